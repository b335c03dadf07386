/**
 * Unclaimed expiry: a job still queued `queue_timeout_seconds` after it was queued (no worker
 * took it) fails with code `expired`, announced like any failure. The clock is moved with
 * vi.setSystemTime and the object's alarm run with runDurableObjectAlarm: no sleeping.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { findJobRow } from "../../workers/db/jobs";
import type { LeaseResponse } from "../../workers/protocol";
import { callback, createJob, getJob, jobStub, openFeed, postJson } from "../helpers";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const later = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

describe("a job no worker takes", () => {
  it("fails with code expired once its queue timeout has passed, and says so on its socket", async () => {
    const created = await createJob({ queue_timeout_seconds: 60 });
    const feed = await openFeed(created.job.id);
    later(61);
    expect(await runDurableObjectAlarm(jobStub(created.job.id))).toBe(true);
    const failed = await feed.waitFor((m) => m.type === "job:failed");
    expect(failed.job).toMatchObject({ status: "failed", attempt: 1, error: { code: "expired", retryable: false } });
    expect(failed.job.error?.message).toMatch(/queue timeout of 60 s/);
    expect(await getJob(created.job.id)).toMatchObject({ status: "failed", error: { code: "expired" } });
    expect((await findJobRow(env.DB, created.job.id))?.status).toBe("failed");
    feed.close();
  });

  it("is left alone before its queue timeout", async () => {
    const created = await createJob({ queue_timeout_seconds: 60 });
    later(59);
    await runDurableObjectAlarm(jobStub(created.job.id));
    expect((await getJob(created.job.id)).status).toBe("queued");
  });

  it("never expires once a worker has taken it", async () => {
    const created = await createJob({ queue_timeout_seconds: 60, heartbeat_timeout_seconds: 3600 });
    await callback(created, "heartbeat");
    later(120);
    await runDurableObjectAlarm(jobStub(created.job.id));
    expect((await getJob(created.job.id)).status).toBe("running");
  });

  it("takes the deployment's QUEUE_TIMEOUT_SECONDS (a day) when the job names none", async () => {
    const created = await createJob();
    later(86_399);
    await runDurableObjectAlarm(jobStub(created.job.id));
    expect((await getJob(created.job.id)).status).toBe("queued");
    later(2);
    await runDurableObjectAlarm(jobStub(created.job.id));
    expect((await getJob(created.job.id)).error?.code).toBe("expired");
  });

  it("leaves its owner's pull queue when it expires", async () => {
    const kind = "expiry.pull";
    const created = await createJob({ kind, dispatch: "pull", queue_timeout_seconds: 60 });
    later(61);
    await runDurableObjectAlarm(jobStub(created.job.id));
    expect((await getJob(created.job.id)).status).toBe("failed");
    const res = await postJson("/api/worker/lease", { kinds: [kind], wait_seconds: 0 }, { authorization: `Bearer ${env.WORKER_KEY}` });
    expect(res.status, JSON.stringify(res.status === 200 ? await res.json<LeaseResponse>() : null)).toBe(204);
  });
});
