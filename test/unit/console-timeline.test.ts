import { describe, expect, it } from "vitest";
import type { Job, JobEvent } from "../../workers/protocol";
import { currentNotice } from "../../web/src/app/job-notice";
import { filtersSearch, matchesFilters, parseFilters } from "../../web/src/app/list-filters";
import { attemptsOf, timelineOf } from "../../web/src/app/timeline";
import { jobView } from "../job-fixture";

const T0 = Date.UTC(2030, 0, 1);
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

const baseJob: Job = jobView({ id: "job_abc", kind: "gif.render" }, iso(0));

let seq = 0;
function event<T extends JobEvent["type"]>(type: T, at: number, job: Partial<Job>, extra: object = {}): JobEvent {
  return { type, job_id: "job_abc", seq: ++seq, at: iso(at), job: { ...baseJob, ...job }, ...extra } as JobEvent;
}
const progress = (percent: number) => ({ progress: { ...baseJob.progress, percent } });
const timeoutError = { message: "no word from the GPU worker for 60 s (attempt 1 of 3)", retryable: true, attempt: 1, at: iso(70) };

/** Stalled, given up, requeued, then completed on attempt 2. */
const stallThenComplete = (): JobEvent[] => {
  seq = 0;
  return [
    event("job:created", 0, {}),
    event("job:started", 1, { status: "running" }),
    event("job:progress", 1, { status: "running", ...progress(10) }),
    event("job:progress", 2, { status: "running", ...progress(20) }),
    event("job:progress", 3, { status: "running", ...progress(30) }),
    event("job:stalled", 33, { status: "running", ...progress(30) }, { silent_seconds: 30 }),
    event("job:requeued", 63, { status: "queued", attempt: 2, error: timeoutError }, { reason: timeoutError.message }),
    event("job:started", 70, { status: "running", attempt: 2, error: timeoutError }),
    event("job:completed", 80, { status: "completed", attempt: 2, error: timeoutError, ...progress(100) }),
  ];
};

describe("the console's timeline", () => {
  it("folds a run of progress reports into one entry from the first percent to the last", () => {
    const entries = timelineOf(stallThenComplete());
    const run = entries.find((e) => e.type === "job:progress")!;
    expect(run).toMatchObject({ title: "Progress 10% → 30%", count: 3, at: iso(1) });
    expect(entries.map((e) => e.type)).toEqual([
      "job:created",
      "job:started",
      "job:progress",
      "job:stalled",
      "job:requeued",
      "job:started",
      "job:completed",
    ]);
  });

  it("puts a requeue under the attempt it ended, with its reason", () => {
    const requeued = timelineOf(stallThenComplete()).find((e) => e.type === "job:requeued")!;
    expect(requeued).toMatchObject({ attempt: 1, title: "Requeued as attempt 2", detail: timeoutError.message });
  });

  it("gives each attempt its own outcome: the old error stays with attempt 1", () => {
    const attempts = attemptsOf(stallThenComplete());
    expect(attempts.map((a) => [a.attempt, a.outcome, a.reason, a.stalled])).toEqual([
      [1, "given up", timeoutError.message, true],
      [2, "completed", null, false],
    ]);
  });

  it("keeps a failed attempt failed when it is retried by hand", () => {
    seq = 0;
    const failed = { message: "bad input", retryable: false, attempt: 1, at: iso(5) };
    const events = [
      event("job:created", 0, {}),
      event("job:started", 1, { status: "running" }),
      event("job:failed", 5, { status: "failed", error: failed }),
      event("job:requeued", 9, { status: "queued", attempt: 2, error: failed }, { reason: "retried by its owner" }),
    ];
    expect(attemptsOf(events).map((a) => [a.attempt, a.outcome, a.reason])).toEqual([
      [1, "failed", "bad input"],
      [2, "queued", null],
    ]);
  });
});

describe("the job's current notice", () => {
  it("never shows an earlier attempt's error while a later one runs or after it completed", () => {
    for (const status of ["running", "completed"] as const) {
      const job = { ...baseJob, status, attempt: 2, error: timeoutError };
      expect(currentNotice(job, T0)?.tone ?? null).not.toBe("bad");
    }
  });

  it("counts down a retry backoff, but not a retry by hand that is due at once", () => {
    const backoff = { ...baseJob, attempt: 2, updated_at: iso(0), retry_at: iso(10) };
    expect(currentNotice(backoff, T0)!.text).toContain("starts in 0:10");
    // Set at the moment of the retry, even when this browser's clock is a few seconds behind.
    const byHand = { ...baseJob, attempt: 2, updated_at: iso(3), retry_at: iso(3) };
    expect(currentNotice(byHand, T0)!.text).toContain("waiting for a worker");
  });

  it("shows a failed job's own error", () => {
    const job = { ...baseJob, status: "failed" as const, error: { ...timeoutError, message: "bad input" } };
    expect(currentNotice(job, T0)).toEqual({ tone: "bad", text: "Attempt 1 failed: bad input" });
  });
});

describe("the list's filters in the URL", () => {
  it("round-trip through the query string", () => {
    const filters = { status: "failed" as const, kind: "gif.render", q: "job_ab" };
    expect(parseFilters(filtersSearch(filters))).toEqual(filters);
    expect(filtersSearch({ status: null, kind: null, q: null })).toBe("");
  });

  it("drop values that are not a status, a kind or part of an id", () => {
    expect(parseFilters("?status=exploded&kind=Bad%20Kind&q=%25")).toEqual({ status: null, kind: null, q: null });
  });

  it("match rows by status, kind and part of the id", () => {
    const row = { id: "job_abcdef", kind: "gif.render", status: "failed" as const } as Parameters<typeof matchesFilters>[0];
    expect(matchesFilters(row, { status: "failed", kind: "gif.render", q: "cde" })).toBe(true);
    expect(matchesFilters(row, { status: null, kind: "video.render", q: null })).toBe(false);
    expect(matchesFilters(row, { status: null, kind: null, q: "zzz" })).toBe(false);
  });
});
