/**
 * The state machine's operational cases: a worker releasing its attempt, and a queued job
 * expiring unclaimed. Times are explicit epoch milliseconds.
 */
import { describe, expect, it } from "vitest";
import { createJobState, type JobState } from "../../workers/jobs/job";
import { expireAt, nextJobDeadline } from "../../workers/jobs/timers";
import { reportRefusal, transition, type JobCommand } from "../../workers/jobs/transition";

const T0 = Date.UTC(2030, 0, 1);
const MIN = 60_000;

function newJob(queueTimeoutMs?: number, maxAttempts = 1): JobState {
  const spec = { id: "job_aaaaaaaaaaaaaaaaaaaaaaaaaa", owner: "default", kind: "csv", inputJson: "{}", origin: "https://t.test" };
  return createJobState({ ...spec, maxAttempts, heartbeatTimeoutMs: MIN, queueTimeoutMs }, T0);
}

function apply(job: JobState, command: JobCommand, now: number) {
  const result = transition(job, command, now, { retryBackoffMs: 5000 });
  if (!result.ok) throw new Error(`refused: ${result.refusal.code}`);
  return result;
}

describe("release", () => {
  it("queues a running job's next attempt at once and adds an attempt, so none is spent", () => {
    const running = apply(newJob(), { type: "heartbeat", attempt: 1 }, T0 + 1000).job;
    const { job, events } = apply(running, { type: "release", attempt: 1, report: { reason: "draining" } }, T0 + 2000);
    expect(job).toMatchObject({ status: "queued", attempt: 2, maxAttempts: 2, retryAt: T0 + 2000, queuedAt: T0 + 2000, error: null });
    expect(events).toEqual([{ type: "job:requeued", reason: "attempt 1 released by its worker: draining" }]);
  });

  it("is refused for an attempt that is not the current one", () => {
    const released = apply(newJob(), { type: "release", attempt: 1, report: {} }, T0 + 1000).job;
    expect(reportRefusal(released, 1)?.code).toBe("stale_attempt");
  });
});

describe("unclaimed expiry", () => {
  it("is due queue timeout after the job was queued, and only while it is queued", () => {
    const queued = newJob(10 * MIN);
    expect(expireAt(queued)).toBe(T0 + 10 * MIN);
    expect(nextJobDeadline(queued)).toBe(T0 + 10 * MIN);
    const running = apply(queued, { type: "heartbeat", attempt: 1 }, T0 + 1000).job;
    expect(expireAt(running)).toBeNull();
  });

  it("fails the job as expired when the clock reaches it", () => {
    const { job, events } = apply(newJob(10 * MIN), { type: "tick" }, T0 + 10 * MIN);
    expect(job).toMatchObject({ status: "failed", finishedAt: T0 + 10 * MIN, error: { code: "expired", retryable: false } });
    expect(events).toEqual([{ type: "job:failed" }]);
  });

  it("counts again from a re-queue", () => {
    const running = apply(newJob(10 * MIN, 3), { type: "heartbeat", attempt: 1 }, T0 + MIN);
    const requeued = apply(running.job, { type: "error", attempt: 1, report: { error: "oom", retryable: true } }, T0 + 2 * MIN).job;
    expect(expireAt(requeued)).toBe(T0 + 12 * MIN);
  });

  it("never applies to a job made before queue timeouts existed", () => {
    expect(expireAt(newJob(undefined))).toBeNull();
  });
});

describe("after a release", () => {
  it("keeps the job from the worker that released it for a while, and from no one else", async () => {
    const { nextToLease, planQueueEntry, toDispatchView } = await import("../../workers/dispatch/queue-plan");
    const { RELEASE_AVOID_MS } = await import("../../workers/jobs/transition");
    const pulled = { ...newJob(undefined, 1), dispatch: "pull" as const };
    const running = apply(pulled, { type: "heartbeat", attempt: 1, worker: "gpu-1" }, T0 + 1000).job;
    const released = apply(running, { type: "release", attempt: 1, report: {} }, T0 + 2000).job;
    const plan = planQueueEntry(null, toDispatchView(released));
    if (plan.action !== "queue") throw new Error("expected the job queued");
    expect(nextToLease([plan.entry], T0 + 2000, undefined, "gpu-1")).toBeNull();
    expect(nextToLease([plan.entry], T0 + 2000, undefined, "gpu-2")?.jobId).toBe(released.id);
    expect(nextToLease([plan.entry], T0 + 2000 + RELEASE_AVOID_MS, undefined, "gpu-1")?.jobId).toBe(released.id);
  });
});
