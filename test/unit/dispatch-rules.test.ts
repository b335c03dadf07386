import { describe, expect, it } from "vitest";
import { failoverOrder, pushRetryDelaySeconds, summarizeHealth } from "../../workers/dispatch/endpoint-choice";
import { compareQueued, nextToLease, planQueueEntry, type JobDispatchView, type QueueEntry } from "../../workers/dispatch/queue-plan";

const view = (over: Partial<JobDispatchView> = {}): JobDispatchView => ({
  jobId: "job_a",
  kind: "gif.render",
  dispatch: "pull",
  priority: 0,
  createdAt: 1000,
  attempt: 1,
  status: "queued",
  retryAt: null,
  avoidWorker: null,
  avoidUntil: 0,
  ...over,
});

const entry = (over: Partial<QueueEntry> = {}): QueueEntry => ({
  jobId: "job_a",
  kind: "gif.render",
  priority: 0,
  createdAt: 1000,
  attempt: 1,
  eligibleAt: 0,
  state: "queued",
  worker: null,
  leasedAt: null,
  avoidWorker: null,
  avoidUntil: 0,
  ...over,
});

describe("planQueueEntry", () => {
  it("queues a new pull job, eligible at its retry_at", () => {
    expect(planQueueEntry(null, view())).toMatchObject({ action: "queue", entry: { eligibleAt: 0, state: "queued" } });
    expect(planQueueEntry(null, view({ retryAt: 5000 }))).toMatchObject({ action: "queue", entry: { eligibleAt: 5000 } });
  });

  it("keeps a lease on the same attempt, and re-queues a newer attempt over an old lease", () => {
    const leased = entry({ state: "leased", worker: "w" });
    expect(planQueueEntry(leased, view())).toEqual({ action: "keep" });
    expect(planQueueEntry(leased, view({ attempt: 2, retryAt: 9000 }))).toMatchObject({
      action: "queue",
      entry: { attempt: 2, state: "queued", worker: null, eligibleAt: 9000 },
    });
    expect(planQueueEntry(entry({ attempt: 3 }), view({ attempt: 2 }))).toEqual({ action: "keep" });
  });

  it("re-queues a lapsed lease whose job is still queued on that attempt, but never a running one", () => {
    const leased = entry({ state: "leased", worker: "w" });
    expect(planQueueEntry(leased, view(), true)).toMatchObject({ action: "queue", entry: { state: "queued", worker: null } });
    expect(planQueueEntry(leased, view({ status: "running" }), true)).toEqual({ action: "keep" });
  });

  it("drops finished jobs and jobs that are not pull jobs", () => {
    for (const status of ["completed", "failed", "canceled"] as const) {
      expect(planQueueEntry(entry(), view({ status }))).toEqual({ action: "delete" });
      expect(planQueueEntry(null, view({ status }))).toEqual({ action: "keep" });
    }
    expect(planQueueEntry(entry(), view({ dispatch: "external" }))).toEqual({ action: "delete" });
    expect(planQueueEntry(entry({ state: "leased" }), view({ status: "running" }))).toEqual({ action: "keep" });
  });
});

describe("queue order", () => {
  const entries = [
    entry({ jobId: "old-low", createdAt: 1 }),
    entry({ jobId: "new-high", priority: 5, createdAt: 9 }),
    entry({ jobId: "old-high", priority: 5, createdAt: 2 }),
    entry({ jobId: "later", priority: 9, eligibleAt: 10_000 }),
    entry({ jobId: "leased", priority: 9, state: "leased" }),
    entry({ jobId: "other-kind", priority: 7, kind: "video.render" }),
  ];

  it("hands out priority first, then the oldest, skipping leased and not-yet-eligible entries", () => {
    expect(nextToLease(entries, 5000)?.jobId).toBe("other-kind");
    expect(nextToLease(entries, 5000, ["gif.render"])?.jobId).toBe("old-high");
    expect(nextToLease(entries, 10_000, ["gif.render"])?.jobId).toBe("later");
    expect(nextToLease(entries, 5000, ["none"])).toBeNull();
    expect([...entries].sort(compareQueued).map((e) => e.jobId).slice(0, 3)).toEqual(["later", "leased", "other-kind"]);
  });
});

describe("push endpoint choice", () => {
  const endpoints = ["a", "b", "c"];

  it("rotates the first endpoint per turn and fails over down the list", () => {
    expect(failoverOrder(endpoints, 0)).toEqual(["a", "b", "c"]);
    expect(failoverOrder(endpoints, 1)).toEqual(["b", "c", "a"]);
    expect(failoverOrder(endpoints, 5)).toEqual(["c", "a", "b"]);
    expect(failoverOrder([], 3)).toEqual([]);
  });

  it("backs off 5, 10, 20 s... capped at 5 min", () => {
    expect([1, 2, 3, 10].map((n) => pushRetryDelaySeconds(n))).toEqual([5, 10, 20, 300]);
  });

  it("summarizes each endpoint's recent calls", () => {
    const health = summarizeHealth(["a", "b"], [
      { url: "a", at: 1000, ok: false, error: "HTTP 503" },
      { url: "a", at: 2000, ok: true, error: null },
      { url: "a", at: 3000, ok: false, error: "timed out" },
    ]);
    expect(health[0]).toEqual({
      url: "a",
      recent_failures: 2,
      recent_calls: 3,
      last_error: "timed out",
      last_failure_at: new Date(3000).toISOString(),
      last_success_at: new Date(2000).toISOString(),
    });
    expect(health[1]).toMatchObject({ url: "b", recent_calls: 0, last_error: null });
  });
});
