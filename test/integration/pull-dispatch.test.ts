import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { LeaseResponse, StatsResponse } from "../../workers/protocol";
import { DispatchCoordinator, dispatchCoordinator } from "../../workers/dispatch/dispatch-coordinator";
import { api, callback, createJob, getJob, jobStub, postJson, sleep, withKey } from "../helpers";

/** The worker key of owner "default", the owner whose client key (`withKey`) creates the jobs here. */
const workerAuth = { authorization: `Bearer ${env.WORKER_KEY}` };

/** One lease call; each test uses its own kind so the owner's shared queue cannot mix them up. */
async function lease(kind: string, worker = "test-gpu"): Promise<{ status: number; body: LeaseResponse | null }> {
  const res = await postJson("/api/worker/lease", { worker, kinds: [kind], wait_seconds: 0 }, workerAuth);
  return { status: res.status, body: res.status === 200 ? await res.json<LeaseResponse>() : null };
}

/** A lease as the `callback` helper wants it. */
const asCreated = (l: LeaseResponse) => ({ job: { id: l.job.id }, callback: l.callback }) as Parameters<typeof callback>[0];

describe("pull dispatch: POST /api/worker/lease", () => {
  it("wants a worker key, and answers 204 when nothing is queued", async () => {
    expect((await postJson("/api/worker/lease", { wait_seconds: 0 })).status).toBe(401);
    expect((await lease("nothing.here")).status).toBe(204);
  });

  it("hands out the highest priority first, then the oldest, with input and a token that works", async () => {
    const kind = "order.test";
    const low = await createJob({ kind, dispatch: "pull", input: { n: 1 } });
    const high = await createJob({ kind, dispatch: "pull", priority: 5, input: { n: 2 } });
    const low2 = await createJob({ kind, dispatch: "pull", input: { n: 3 } });
    await createJob({ kind, input: { n: 4 } }); // external: never leased

    const order = [];
    for (let i = 0; i < 4; i++) order.push((await lease(kind)).body?.job.id ?? null);
    expect(order).toEqual([high.job.id, low.job.id, low2.job.id, null]);

    const job = await getJob(high.job.id);
    expect(job.status).toBe("running");
    const progress = await callback(high, "progress", { percent: 10 });
    expect(progress.status).toBe(200);
  });

  it("never gives one job to two workers, however many lease at once", async () => {
    const kind = "concurrent.test";
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await createJob({ kind, dispatch: "pull" })).job.id);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => lease(kind, `gpu-${i}`)));
    const leased = results.filter((r) => r.status === 200).map((r) => r.body!.job.id);
    expect(leased.length).toBe(6);
    expect(new Set(leased).size).toBe(6);
    expect([...leased].sort()).toEqual([...ids].sort());
    expect(results.filter((r) => r.status === 204).length).toBe(14);
  });

  it("names the leasing worker on the job it runs", async () => {
    const kind = "named.test";
    const created = await createJob({ kind, dispatch: "pull" });
    expect((await lease(kind, "gpu-named")).status).toBe(200);
    expect(await getJob(created.job.id)).toMatchObject({ status: "running", worker: "gpu-named" });
  });

  it("re-queues a lapsed lease through the stall path, refuses its old token, and leases the new attempt", async () => {
    const kind = "lapse.test";
    const created = await createJob({ kind, dispatch: "pull", heartbeat_timeout_seconds: 1 });
    const first = (await lease(kind)).body!;
    expect(first.job.attempt).toBe(1);
    expect(Date.parse(first.lease.expires_at)).toBeGreaterThan(Date.now());

    await sleep(1100);
    await runDurableObjectAlarm(jobStub(created.job.id));
    const requeued = await getJob(created.job.id);
    expect(requeued).toMatchObject({ status: "queued", attempt: 2 });
    expect((await dispatchCoordinator(env, "default").peek(created.job.id))?.state).toBe("queued");

    // Not before its retry_at (RETRY_BACKOFF_SECONDS=1 in tests).
    expect((await lease(kind)).status).toBe(204);
    await sleep(1100);
    const second = (await lease(kind)).body!;
    expect(second.job).toMatchObject({ id: created.job.id, attempt: 2 });

    const stale = await callback(asCreated(first), "heartbeat");
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe("stale_attempt");
    expect((await callback(asCreated(second), "heartbeat")).status).toBe(200);
  });

  it("tells a working worker it was canceled, and drops the job from the queue", async () => {
    const kind = "cancel.test";
    const created = await createJob({ kind, dispatch: "pull" });
    const leased = (await lease(kind)).body!;
    expect((await callback(asCreated(leased), "progress", { done: 1, total: 4 })).body.canceled).toBe(false);

    const cancel = await postJson(`/api/jobs/${created.job.id}/cancel`, { reason: "user gave up" }, withKey());
    expect(cancel.status).toBe(200);
    const beat = await callback(asCreated(leased), "heartbeat");
    expect(beat.body.canceled).toBe(true);
    expect(await dispatchCoordinator(env, "default").peek(created.job.id)).toBeNull();

    // A queued job canceled before any lease is never handed out.
    const queued = await createJob({ kind, dispatch: "pull" });
    await postJson(`/api/jobs/${queued.job.id}/cancel`, {}, withKey());
    expect((await lease(kind)).status).toBe(204);
  });

  it("shows queue depth and leased jobs in /api/stats", async () => {
    const kind = "stats.test";
    const before = (await (await api("/api/stats", { headers: withKey() })).json<StatsResponse>()).dispatch!;
    await createJob({ kind, dispatch: "pull" });
    await createJob({ kind, dispatch: "pull" });
    await lease(kind);
    const after = (await (await api("/api/stats", { headers: withKey() })).json<StatsResponse>()).dispatch!;
    expect(after.queue_depth - before.queue_depth).toBe(1);
    expect(after.leased - before.leased).toBe(1);
  });
});

describe("the coordinator's sweep of old leases", () => {
  it("puts a lease whose claim never reached the job back in the queue, and leaves claimed ones alone", async () => {
    const kind = "orphan.test";
    const orphan = await createJob({ kind, dispatch: "pull" });
    const claimed = await createJob({ kind, dispatch: "pull" });
    const coordinator = dispatchCoordinator(env, "default");
    // A lease taken from the coordinator whose claim never happened (a crash between the two).
    expect((await coordinator.lease("crashed", Date.now(), [kind]))?.jobId).toBe(orphan.job.id);
    expect((await lease(kind)).body?.job.id).toBe(claimed.job.id);

    await runInDurableObject(coordinator, (_instance, state) => {
      state.storage.sql.exec("UPDATE queue SET leased_at = leased_at - ?", 10 * 60_000);
    });
    expect(await runDurableObjectAlarm(coordinator)).toBe(true);
    expect((await coordinator.peek(orphan.job.id))?.state).toBe("queued");
    expect((await coordinator.peek(claimed.job.id))?.state).toBe("leased");
    const again = (await lease(kind)).body!;
    expect(again.job).toMatchObject({ id: orphan.job.id, attempt: 1 });
  });
});

/** Failed dispatch notices the job's object has recorded for a retry. */
function dispatchFailures(id: string): Promise<number> {
  return runInDurableObject(jobStub(id), (_o, state) =>
    state.storage.sql.exec<{ failures: number }>("SELECT failures FROM effects WHERE kind = 'dispatch'").one().failures,
  );
}

describe("a job whose notice to the coordinator failed", () => {
  it("tells it again from its alarm, so the job is not stuck out of the queue", async () => {
    const kind = "notice.test";
    const sync = vi.spyOn(DispatchCoordinator.prototype, "sync").mockImplementationOnce(async () => {
      throw new Error("coordinator unavailable");
    });
    const created = await createJob({ kind, dispatch: "pull" });
    // The notice runs after the answer: wait until it has failed and is kept for a retry.
    await vi.waitFor(async () => expect(await dispatchFailures(created.job.id)).toBeGreaterThan(0));
    sync.mockRestore();
    expect(await dispatchCoordinator(env, "default").peek(created.job.id)).toBeNull();
    expect((await lease(kind)).status).toBe(204);

    await sleep(1100);
    await runDurableObjectAlarm(jobStub(created.job.id));
    expect((await lease(kind)).body?.job.id).toBe(created.job.id);
  });
});
