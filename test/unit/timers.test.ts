/**
 * The time rules of a job: retry backoff, and when silence makes a running
 * job stalled or gets its attempt given up.
 */
import { describe, expect, it } from "vitest";
import { createJobState, type JobState } from "../../workers/jobs/job";
import { giveUpAt, nextJobDeadline, retryBackoffMs, stallAt } from "../../workers/jobs/timers";

const SEC = 1000;
const T0 = Date.UTC(2030, 0, 1);
const TIMEOUT = 60 * SEC;

function job(overrides: Partial<JobState> = {}): JobState {
  const base = createJobState(
    {
      id: "job_aaaaaaaaaaaaaaaaaaaaaaaaaa",
      owner: "default",
      kind: "csv",
      inputJson: "{}",
      origin: "https://tracker.test",
      maxAttempts: 3,
      heartbeatTimeoutMs: TIMEOUT,
    },
    T0,
  );
  return { ...base, ...overrides };
}

const STARTED = T0 + SEC;
const HEARD = T0 + 20 * SEC;
const runningJob = (overrides: Partial<JobState> = {}) =>
  job({ status: "running", startedAt: STARTED, lastHeartbeatAt: HEARD, ...overrides });

describe("retryBackoffMs", () => {
  it("waits the base time before the second attempt", () => {
    expect(retryBackoffMs(1, 5 * SEC)).toBe(5 * SEC);
  });

  it("doubles the wait with every further attempt", () => {
    expect([2, 3, 4].map((attempt) => retryBackoffMs(attempt, 5 * SEC))).toEqual([10 * SEC, 20 * SEC, 40 * SEC]);
  });

  it("never waits longer than ten minutes", () => {
    // 5 s * 2^9 would be over 42 minutes.
    expect(retryBackoffMs(10, 5 * SEC)).toBe(10 * 60 * SEC);
  });

  it("does not wait at all with a base of zero", () => {
    expect(retryBackoffMs(4, 0)).toBe(0);
  });
});

describe("stallAt", () => {
  it("is half the heartbeat timeout after a running job's last heartbeat", () => {
    expect(stallAt(runningJob())).toBe(HEARD + TIMEOUT / 2);
  });

  it("counts from the start when the worker has not sent a heartbeat", () => {
    expect(stallAt(runningJob({ lastHeartbeatAt: null }))).toBe(STARTED + TIMEOUT / 2);
  });

  it("is not set once the job is already stalled", () => {
    expect(stallAt(runningJob({ stalledSince: HEARD + TIMEOUT / 2 }))).toBeNull();
  });

  it.each(["queued", "completed", "failed", "canceled"] as const)("is not set for a %s job", (status) => {
    expect(stallAt(runningJob({ status }))).toBeNull();
  });
});

describe("giveUpAt", () => {
  it("is the full heartbeat timeout after a running job's last heartbeat", () => {
    expect(giveUpAt(runningJob())).toBe(HEARD + TIMEOUT);
  });

  it("is still set while the job is stalled", () => {
    expect(giveUpAt(runningJob({ stalledSince: HEARD + TIMEOUT / 2 }))).toBe(HEARD + TIMEOUT);
  });

  it.each(["queued", "completed", "failed", "canceled"] as const)("is not set for a %s job", (status) => {
    expect(giveUpAt(runningJob({ status }))).toBeNull();
  });
});

describe("nextJobDeadline", () => {
  it("is the stall time while the job is not stalled", () => {
    expect(nextJobDeadline(runningJob())).toBe(HEARD + TIMEOUT / 2);
  });

  it("is the give-up time once the job is stalled", () => {
    expect(nextJobDeadline(runningJob({ stalledSince: HEARD + TIMEOUT / 2 }))).toBe(HEARD + TIMEOUT);
  });

  it("is unset for a job that is not running", () => {
    expect(nextJobDeadline(job())).toBeNull();
  });
});
