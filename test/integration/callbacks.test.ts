import { describe, expect, it } from "vitest";
import { api, callback, createJob, eventLog, getJob, withKey } from "../helpers";

describe("GPU-worker callbacks", () => {
  it("starts the job on the first report and derives percent from done/total", async () => {
    const created = await createJob();
    const res = await callback(created, "progress", { done: 3, total: 12, stage: "encode", message: "frame 3/12" });
    expect(res).toEqual({
      status: 200,
      // seq 1 is job:created, 2 job:started, 3 this report.
      body: { ok: true, job_id: created.job.id, status: "running", attempt: 1, canceled: false, seq: 3 },
    });
    const job = await getJob(created.job.id);
    expect(job.progress).toMatchObject({ percent: 25, done: 3, total: 12, stage: "encode", message: "frame 3/12" });
    expect(job.started_at).not.toBeNull();
  });

  it("refuses progress that goes backwards within an attempt and keeps the higher value", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 60 });
    const late = await callback(created, "progress", { percent: 40 });
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe("progress_regressed");
    expect((await getJob(created.job.id)).progress.percent).toBe(60);
  });

  it("takes a repeated progress report without a new event", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 50, stage: "render" });
    const before = (await eventLog(created.job.id)).length;
    expect((await callback(created, "progress", { percent: 50, stage: "render" })).status).toBe(200);
    expect((await eventLog(created.job.id)).length).toBe(before);
  });

  it("answers an identical repeat of complete with 200 and changes nothing", async () => {
    const created = await createJob();
    expect((await callback(created, "complete", { message: "done" })).status).toBe(200);
    const before = await getJob(created.job.id);
    const repeat = await callback(created, "complete", { message: "done" });
    expect(repeat).toMatchObject({ status: 200, body: { ok: true, status: "completed" } });
    expect(await getJob(created.job.id)).toEqual(before);
  });

  it("answers a different callback after completion with 409", async () => {
    const created = await createJob();
    await callback(created, "complete", {});
    const other = await callback(created, "error", { error: "too late" });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ ok: false, status: "completed", canceled: false, error: { code: "job_finished" } });
    expect((await getJob(created.job.id)).error).toBeNull();
  });

  it("answers an identical repeat of a final error with 200", async () => {
    const created = await createJob();
    expect((await callback(created, "error", { error: "bad codec" })).body.status).toBe("failed");
    expect((await callback(created, "error", { error: "bad codec" })).status).toBe(200);
    expect((await callback(created, "error", { error: "other" })).status).toBe(409);
  });

  it("re-queues a retryable error as a new attempt and refuses the old token", async () => {
    const created = await createJob({ max_attempts: 3 });
    const res = await callback(created, "error", { error: "spot instance reclaimed", retryable: true });
    expect(res.body).toMatchObject({ ok: true, status: "queued", attempt: 2 });
    const job = await getJob(created.job.id);
    expect(job.error).toMatchObject({ message: "spot instance reclaimed", retryable: true, attempt: 1 });
    expect(job.retry_at).not.toBeNull();

    const stale = await callback(created, "progress", { percent: 90 });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe("stale_attempt");
    // The worker's own retry of the report it already made is still answered 200.
    expect((await callback(created, "error", { error: "spot instance reclaimed", retryable: true })).status).toBe(200);

    const fresh = await (await api(`/api/jobs/${created.job.id}/callback`, { headers: withKey() })).json<{ token: string; attempt: number }>();
    expect(fresh.attempt).toBe(2);
    expect((await callback(created, "progress", { percent: 5 }, fresh.token)).body.status).toBe("running");
  });

  it("fails a retryable error on the last attempt", async () => {
    const created = await createJob({ max_attempts: 1 });
    const res = await callback(created, "error", { error: "driver crash", retryable: true });
    expect(res.body.status).toBe("failed");
  });

  it("records every refused callback in the event log with its reason and never the token", async () => {
    const created = await createJob();
    await callback(created, "complete", {});
    await callback(created, "progress", { percent: 10 });
    await callback(created, "heartbeat", undefined, "1.forged-token-forged-token-forged-token-forg");
    const refused = (await eventLog(created.job.id)).filter((e) => e.type === "job:callback_refused");
    expect(refused).toMatchObject([
      { callback: "progress", status: 409, code: "job_finished", attempt: 1 },
      { callback: "heartbeat", status: 401, code: "invalid_token", attempt: null },
    ]);
    expect(JSON.stringify(refused)).not.toContain(created.callback.token);
    expect(JSON.stringify(refused)).not.toContain("forged-token");
  });

  it("tells an unauthenticated caller nothing about the job", async () => {
    const created = await createJob();
    await api(`/api/jobs/${created.job.id}/cancel`, { method: "POST", headers: withKey() });
    const res = await callback(created, "heartbeat", undefined, "nope");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ ok: false, status: null, attempt: null, canceled: false });
  });

  it("refuses a token minted for another job", async () => {
    const a = await createJob();
    const b = await createJob();
    const res = await callback(a, "progress", { percent: 10 }, b.callback.token);
    expect(res.status).toBe(401);
    expect((await getJob(a.job.id)).status).toBe("queued");
  });
});
