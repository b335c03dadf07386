/**
 * After-commit effects: the worker is answered from the commit alone; the
 * D1 mirror (and every other effect) runs after, and a failed one is retried
 * from the alarm until it lands. Refusals are logged in the call that refused.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findJobRow } from "../../workers/db/jobs";
import { ExportJobState } from "../../workers/jobs/export-job-state";
import type { JobStore } from "../../workers/jobs/job-store";
import { callback, createJob, eventLog, jobStub } from "../helpers";

/** The object's row for effect `kind`, as stored. */
async function effectRow(id: string, kind: string) {
  return runInDurableObject(jobStub(id), (_o, state) =>
    state.storage.sql
      .exec<{ failures: number; due_at: number | null }>("SELECT failures, due_at FROM effects WHERE kind = ?", kind)
      .toArray()[0],
  );
}

afterEach(() => vi.restoreAllMocks());

describe("after-commit effects", () => {
  it("answers the worker with the committed seq while D1 fails, then the alarm lands the row", async () => {
    const created = await createJob();
    const id = created.job.id;
    await env.DB.exec("ALTER TABLE jobs RENAME TO jobs_offline");
    try {
      const res = await callback(created, "complete", {});
      const log = await eventLog(id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, status: "completed", seq: log.at(-1)!.seq });
      // The write ran after the answer, failed, and was kept for a retry.
      await vi.waitFor(async () => expect((await effectRow(id, "d1-mirror"))?.failures).toBeGreaterThan(0));
    } finally {
      await env.DB.exec("ALTER TABLE jobs_offline RENAME TO jobs");
    }
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(jobStub(id));
        expect(await findJobRow(env.DB, id)).toMatchObject({ status: "completed", version: (await eventLog(id)).at(-1)!.seq });
      },
      { timeout: 8000, interval: 300 },
    );
    expect(await effectRow(id, "d1-mirror")).toMatchObject({ failures: 0, due_at: null });
  });

  it("records a callback the object refuses in the same single call, in the event log", async () => {
    const created = await createJob();
    await callback(created, "complete", {});
    const calls = vi.spyOn(ExportJobState.prototype, "callback");
    const secondCalls = vi.spyOn(ExportJobState.prototype, "recordRefusedCallback");

    const res = await callback(created, "progress", { percent: 10 });

    expect(res.status).toBe(409);
    expect(calls).toHaveBeenCalledTimes(1);
    expect(secondCalls).not.toHaveBeenCalled();
    const last = (await eventLog(created.job.id)).at(-1)!;
    expect(last).toMatchObject({ type: "job:callback_refused", callback: "progress", code: "job_finished", attempt: 1 });
    expect(res.body).toMatchObject({ ok: false, status: "completed", seq: last.seq, error: { code: "job_finished" } });
  });

  it("reads nothing back from storage to apply an update", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 1 });
    const reads = () => runInDurableObject(jobStub(created.job.id), (o) => (o as unknown as { store: JobStore }).store.reads);
    const before = await reads();
    for (let i = 2; i <= 20; i++) expect((await callback(created, "progress", { percent: i })).status).toBe(200);
    await callback(created, "complete", {});
    expect(await reads()).toBe(before);
  });
});
