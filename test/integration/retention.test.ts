/**
 * Retention, by the job's own alarm: a finished job's output leaves R2 after its output
 * retention (the download then answers 410 output_expired), and the whole job (object storage
 * and D1 row) after its job retention (then 404). Nothing goes while a job is unfinished. The
 * clock moves with vi.setSystemTime; the alarm runs with runDurableObjectAlarm.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signDownloadUrl } from "../../workers/auth/download-link";
import { findJobRow } from "../../workers/db/jobs";
import { api, callback, createJob, getJob, jobStub, uploadOutput, withKey } from "../helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
const alarm = (id: string) => runDurableObjectAlarm(jobStub(id));
const download = (id: string) => api(`/api/jobs/${id}/download`, { headers: withKey(), redirect: "manual" });
const codeOf = async (res: Response) => ({ status: res.status, code: (await res.json<{ error: { code: string } }>()).error.code });

async function finishedWithOutput(body: Parameters<typeof createJob>[0] = {}) {
  const created = await createJob(body);
  expect((await uploadOutput(created, new TextEncoder().encode("frames"))).status).toBe(200);
  await callback(created, "complete");
  return created;
}

describe("retention", () => {
  it("deletes the output after OUTPUT_RETENTION_HOURS (410), then the whole job after JOB_RETENTION_DAYS (404)", async () => {
    const created = await finishedWithOutput();
    const id = created.job.id;
    expect((await download(id)).status).toBe(302);

    later(167 * HOUR);
    await alarm(id);
    expect((await download(id)).status).toBe(302);

    later(2 * HOUR);
    await alarm(id);
    expect(await env.OUTPUTS.head(`outputs/${id}/attempt-1`)).toBeNull();
    expect(await codeOf(await download(id))).toEqual({ status: 410, code: "output_expired" });
    const fresh = await signDownloadUrl(env.SIGNING_SECRET, "https://tracker.test", id, Date.now(), 3600);
    expect(await codeOf(await api(new URL(fresh.url).pathname + new URL(fresh.url).search))).toEqual({ status: 410, code: "output_expired" });
    const kept = await getJob(id);
    expect(kept.status).toBe("completed");
    expect(kept.download).toBeNull();
    expect(kept.output?.deleted_at).toBeDefined();

    later(30 * DAY);
    await alarm(id);
    expect(await codeOf(await api(`/api/jobs/${id}`, { headers: withKey() }))).toEqual({ status: 404, code: "job_not_found" });
    expect(await findJobRow(env.DB, id)).toBeUndefined();
    const left = await runInDurableObject(jobStub(id), async (_o, state) => ({
      tables: state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'").toArray().length,
      alarm: await state.storage.getAlarm(),
    }));
    expect(left).toEqual({ tables: 0, alarm: null });
  });

  it("is safe to run again after the job is gone", async () => {
    const created = await finishedWithOutput({ output_retention_hours: 0, job_retention_days: 1 });
    later(DAY + 1);
    await alarm(created.job.id);
    await runInDurableObject(jobStub(created.job.id), (instance) => instance.alarm());
    expect((await api(`/api/jobs/${created.job.id}`, { headers: withKey() })).status).toBe(404);
  });

  it("follows a job's own settings: 0 keeps the output", async () => {
    const created = await finishedWithOutput({ output_retention_hours: 0, job_retention_days: 0 });
    later(400 * DAY);
    await alarm(created.job.id);
    expect((await download(created.job.id)).status).toBe(302);
  });

  it("deletes nothing while a job is unfinished, however old", async () => {
    const created = await createJob({ heartbeat_timeout_seconds: 3600, queue_timeout_seconds: 30 * 86_400 });
    await uploadOutput(created, new TextEncoder().encode("partial"));
    later(29 * DAY);
    await alarm(created.job.id);
    expect((await getJob(created.job.id)).status).not.toBe("completed");
    expect(await env.OUTPUTS.head(`outputs/${created.job.id}/attempt-1`)).not.toBeNull();
    expect(await findJobRow(env.DB, created.job.id)).toBeDefined();
  });
});
