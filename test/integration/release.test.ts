/**
 * POST {callback.url}/release: a worker hands its attempt back (e.g. on SIGTERM). The job is
 * queued again at once as a new attempt without using one up, and the old token is refused.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CallbackAnswer, CreateJobResponse, LeaseResponse } from "../../workers/protocol";
import { api, callback, createJob, eventLog, getJob, postJson } from "../helpers";

const workerAuth = { authorization: `Bearer ${env.WORKER_KEY}` };

async function release(created: Pick<CreateJobResponse, "job" | "callback">, token = created.callback.token) {
  const res = await api(`/api/jobs/${created.job.id}/callbacks/release`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ reason: "node draining" }),
  });
  return { status: res.status, body: await res.json<CallbackAnswer>() };
}

async function lease(kind: string, worker = "release-test"): Promise<LeaseResponse | null> {
  const res = await postJson("/api/worker/lease", { worker, kinds: [kind], wait_seconds: 0 }, workerAuth);
  return res.status === 200 ? res.json<LeaseResponse>() : null;
}

describe("releasing a job", () => {
  it("re-queues a job on its last attempt instead of failing it", async () => {
    const created = await createJob({ max_attempts: 1 });
    await callback(created, "progress", { percent: 40 });
    const answer = await release(created);
    expect(answer).toMatchObject({ status: 200, body: { ok: true, status: "queued", attempt: 2, canceled: false } });
    const job = await getJob(created.job.id);
    expect(job).toMatchObject({ status: "queued", attempt: 2, max_attempts: 2, error: null, retry_at: job.updated_at });
    expect(job.progress.percent).toBe(0);
    const requeued = (await eventLog(created.job.id)).filter((e) => e.type === "job:requeued");
    expect(requeued.at(-1)).toMatchObject({ reason: "attempt 1 released by its worker: node draining" });
  });

  it("refuses the released attempt's token from then on", async () => {
    const created = await createJob();
    await callback(created, "heartbeat");
    await release(created);
    const stale = await callback(created, "progress", { percent: 50 });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe("stale_attempt");
    expect((await release(created)).body.error?.code).toBe("stale_attempt");
  });

  it("lets the new attempt run to completion with its own token", async () => {
    const created = await createJob({ max_attempts: 1 });
    await release(created);
    const fresh = await (await api(`/api/jobs/${created.job.id}/callback`, { headers: { authorization: `Bearer ${env.API_KEY}` } })).json<CreateJobResponse["callback"]>();
    expect(fresh.attempt).toBe(2);
    expect((await callback({ ...created, callback: fresh }, "complete")).body).toMatchObject({ status: "completed" });
  });

  it("puts a pull job straight back in its owner's queue for another worker", async () => {
    const kind = "release.pull";
    const created = await createJob({ kind, dispatch: "pull" });
    const first = (await lease(kind, "gpu-draining"))!;
    expect(first.job).toMatchObject({ id: created.job.id, attempt: 1 });
    await release({ job: created.job, callback: first.callback });
    // The releasing worker's own polls still in flight do not take it straight back.
    expect(await lease(kind, "gpu-draining")).toBeNull();
    const second = await lease(kind, "gpu-fresh");
    expect(second?.job).toMatchObject({ id: created.job.id, attempt: 2 });
  });

  it("refuses to release a finished job", async () => {
    const created = await createJob();
    await callback(created, "complete");
    expect(await release(created)).toMatchObject({ status: 409, body: { error: { code: "job_finished" } } });
  });
});
