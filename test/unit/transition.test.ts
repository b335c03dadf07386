/**
 * The job state machine: every legal step, every refusal, and the clock's
 * stall / give-up rules. Times are explicit epoch milliseconds.
 */
import { describe, expect, it } from "vitest";
import { createJobState, type JobState, type NewJob, type StoredOutput } from "../../workers/jobs/job";
import { INITIAL_PROGRESS } from "../../workers/jobs/progress";
import { transition, type JobCommand, type Refusal } from "../../workers/jobs/transition";

const SEC = 1000;
const T0 = Date.UTC(2030, 0, 1);
const T1 = T0 + SEC;
const TIMEOUT = 60 * SEC;
const HALF = TIMEOUT / 2;
const BACKOFF = 5 * SEC;

function newJob(spec: Partial<NewJob> = {}): JobState {
  const id = "job_aaaaaaaaaaaaaaaaaaaaaaaaaa";
  const defaults = { id, owner: "default", kind: "csv", inputJson: "{}", origin: "https://t.test" };
  return createJobState({ ...defaults, maxAttempts: 3, heartbeatTimeoutMs: TIMEOUT, ...spec }, T0);
}

const step = (job: JobState, command: JobCommand, now: number) =>
  transition(job, command, now, { retryBackoffMs: BACKOFF });

/** The next job and events of a command that must be accepted. */
function accept(job: JobState, command: JobCommand, now: number) {
  const result = step(job, command, now);
  if (!result.ok) throw new Error(`unexpected refusal: ${result.refusal.code}`);
  return result;
}
const apply = (job: JobState, command: JobCommand, now: number) => accept(job, command, now).job;

/** The refusal of a command that must be refused. */
function refusal(job: JobState, command: JobCommand, now: number): Refusal {
  const result = step(job, command, now);
  if (result.ok) throw new Error("expected a refusal, but the command was applied");
  return result.refusal;
}

const TICK: JobCommand = { type: "tick" };
const CANCEL: JobCommand = { type: "cancel" };
const RETRY: JobCommand = { type: "retry" };
const heartbeat = (attempt = 1): JobCommand => ({ type: "heartbeat", attempt });
const progress = (percent: number, attempt = 1): JobCommand => ({ type: "progress", attempt, report: { percent } });
const complete = (report: { message?: string } = {}): JobCommand => ({ type: "complete", attempt: 1, report });
const error = (attempt: number, message: string, retryable: boolean): JobCommand => ({
  type: "error",
  attempt,
  report: { error: message, retryable },
});
const output: StoredOutput = { key: "k", size: 1, contentType: "text/csv", filename: "x", etag: "e", uploadedAt: 0 };
const OUTPUT: JobCommand = { type: "output", attempt: 1, output };

/** A job whose attempt-1 worker said hello at T1. */
const running = (spec: Partial<NewJob> = {}) => apply(newJob(spec), heartbeat(), T1);
/** A job whose first attempt failed retryably at T1 + 1 s, waiting for attempt 2. */
const requeued = () => apply(running(), error(1, "boom", true), T1 + SEC);

describe("a worker's first word", () => {
  it("starts a queued job on the first heartbeat of its attempt", () => {
    const result = step(newJob(), heartbeat(), T1);
    expect(result).toMatchObject({ ok: true, job: { status: "running", startedAt: T1, lastHeartbeatAt: T1 } });
    expect(result.ok && result.events).toEqual([{ type: "job:started" }]);
  });

  it("starts a queued job and records its progress when the first word is a progress report", () => {
    const result = step(newJob(), progress(25), T1);
    expect(result.ok && result.events).toEqual([{ type: "job:started" }, { type: "job:progress" }]);
    expect(result.ok && result.job.progress.percent).toBe(25);
  });

  it("clears the retry time once a requeued attempt starts", () => {
    expect(apply(requeued(), heartbeat(2), T1 + 10 * SEC).retryAt).toBeNull();
  });

  it("names the worker that claimed the attempt, and forgets it when the next attempt starts unclaimed", () => {
    const claimed = apply(newJob(), { type: "heartbeat", attempt: 1, worker: "gpu-07" }, T1);
    expect(claimed.worker).toBe("gpu-07");
    const retried = apply(claimed, error(1, "boom", true), T1 + SEC);
    expect(apply(retried, heartbeat(2), T1 + 10 * SEC).worker).toBeNull();
  });
});

describe("attempt tokens", () => {
  it("refuses a callback token from an earlier attempt", () => {
    const stale = refusal(requeued(), heartbeat(1), T1 + 2 * SEC);
    expect(stale).toEqual({ status: 409, code: "stale_attempt", message: expect.any(String) });
  });

  it("refuses a callback token for an attempt the job has not reached", () => {
    expect(refusal(running(), heartbeat(2), T1 + SEC).code).toBe("stale_attempt");
  });

  it("refuses the old worker's progress once its attempt has timed out", () => {
    const timedOut = apply(running(), TICK, T1 + TIMEOUT);
    expect(refusal(timedOut, progress(90, 1), T1 + TIMEOUT + SEC).code).toBe("stale_attempt");
  });
});

describe("progress", () => {
  it("publishes a progress event when the percent moves forward", () => {
    const result = step(running(), progress(40), T1 + SEC);
    expect(result.ok && result.events).toEqual([{ type: "job:progress" }]);
    expect(result.ok && result.job.progress.percent).toBe(40);
  });

  it("refuses progress that goes backwards within an attempt", () => {
    const at60 = apply(running(), progress(60), T1 + SEC);
    expect(refusal(at60, progress(59), T1 + 2 * SEC).code).toBe("progress_regressed");
  });

  it("takes an unchanged report as a sign of life without a progress event", () => {
    const at50 = apply(running(), progress(50), T1 + SEC);
    const result = step(at50, progress(50), T1 + 5 * SEC);
    expect(result.ok && result.events).toEqual([]);
    expect(result.ok && result.job.lastHeartbeatAt).toBe(T1 + 5 * SEC);
  });

  it("accepts a low percent again on the next attempt", () => {
    const at80 = apply(running(), progress(80), T1 + SEC);
    const again = apply(at80, error(1, "boom", true), T1 + 2 * SEC);
    expect(apply(again, progress(5, 2), T1 + 10 * SEC).progress.percent).toBe(5);
  });
});

describe("output and completion", () => {
  it("stores the attempt's output and publishes job:output", () => {
    const result = step(running(), OUTPUT, T1 + SEC);
    expect(result.ok && result.job.output).toEqual(output);
    expect(result.ok && result.events).toEqual([{ type: "job:output" }]);
  });

  it("completes a running job at 100 percent with nothing left to wait for", () => {
    const { job, events } = accept(running(), complete(), T1 + 9 * SEC);
    expect(job).toMatchObject({ status: "completed", finishedAt: T1 + 9 * SEC });
    expect(job.progress).toMatchObject({ percent: 100, etaSeconds: 0 });
    expect(events).toMatchObject([{ type: "job:completed" }]);
  });

  it("answers an identical repeat of complete with no change and no events", () => {
    const completed = apply(running(), complete({ message: "done" }), T1 + SEC);
    const repeat = step(completed, complete({ message: "done" }), T1 + 2 * SEC);
    expect(repeat).toEqual({ ok: true, job: completed, events: [] });
    expect(repeat.ok && repeat.job).toBe(completed);
  });

  it("refuses a complete with a different message after the job completed", () => {
    const completed = apply(running(), complete({ message: "done" }), T1 + SEC);
    expect(refusal(completed, complete({ message: "done again" }), T1 + 2 * SEC).code).toBe("job_finished");
  });

  it("refuses an error report after the attempt completed", () => {
    const completed = apply(running(), complete(), T1 + SEC);
    expect(refusal(completed, error(1, "late", false), T1 + 2 * SEC).code).toBe("job_finished");
  });
});

describe("errors", () => {
  it("fails the job on a non-retryable error and keeps the error", () => {
    const { job, events } = accept(running(), error(1, "bad input", false), T1 + SEC);
    expect(job).toMatchObject({ status: "failed", finishedAt: T1 + SEC });
    expect(job.error).toEqual({ message: "bad input", retryable: false, attempt: 1, at: T1 + SEC });
    expect(events).toMatchObject([{ type: "job:failed" }]);
  });

  it("requeues a retryable error as the next attempt after the base backoff", () => {
    const { job, events } = accept(running(), error(1, "GPU lost", true), T1 + SEC);
    expect(job).toMatchObject({ status: "queued", attempt: 2, retryAt: T1 + SEC + BACKOFF });
    expect(job.error).toMatchObject({ message: "GPU lost", retryable: true, attempt: 1 });
    expect(events).toMatchObject([{ type: "job:requeued", reason: expect.stringContaining("GPU lost") }]);
  });

  it("starts the next attempt with fresh progress and no output", () => {
    const working = apply(apply(running(), progress(70), T1 + SEC), OUTPUT, T1 + 2 * SEC);
    const next = apply(working, error(1, "boom", true), T1 + 3 * SEC);
    expect(next).toMatchObject({ progress: INITIAL_PROGRESS, output: null, startedAt: null, lastHeartbeatAt: null });
  });

  it("doubles the backoff before the third attempt", () => {
    const second = apply(requeued(), heartbeat(2), T1 + 10 * SEC);
    const third = apply(second, error(2, "boom", true), T1 + 20 * SEC);
    expect(third).toMatchObject({ attempt: 3, retryAt: T1 + 20 * SEC + 2 * BACKOFF });
  });

  it("fails instead of requeueing when the last attempt errors retryably", () => {
    const { job, events } = accept(running({ maxAttempts: 1 }), error(1, "boom", true), T1 + SEC);
    expect(job).toMatchObject({ status: "failed", attempt: 1 });
    expect(events).toMatchObject([{ type: "job:failed" }]);
  });

  it("answers an identical repeat of a retryable error as a no-op after the job was requeued", () => {
    const job = requeued();
    expect(step(job, error(1, "boom", true), T1 + 2 * SEC)).toEqual({ ok: true, job, events: [] });
  });

  it("refuses a different error from the same attempt after the job failed", () => {
    const failed = apply(running(), error(1, "boom", false), T1 + SEC);
    expect(refusal(failed, error(1, "bang", false), T1 + 2 * SEC).code).toBe("job_finished");
  });

  it("refuses callbacks to a canceled job with job_canceled", () => {
    const canceled = apply(running(), CANCEL, T1 + SEC);
    expect(refusal(canceled, heartbeat(), T1 + 2 * SEC).code).toBe("job_canceled");
  });
});

describe("tick", () => {
  it("changes nothing just before half the heartbeat timeout", () => {
    const job = running();
    expect(step(job, TICK, T1 + HALF - 1)).toEqual({ ok: true, job, events: [] });
  });

  it("announces a stall at half the heartbeat timeout of silence", () => {
    const { job, events } = accept(running(), TICK, T1 + HALF);
    expect(job).toMatchObject({ status: "running", stalledSince: T1 + HALF });
    expect(events).toMatchObject([{ type: "job:stalled", silent_seconds: HALF / SEC }]);
  });

  it("does not announce the same stall twice", () => {
    const stalled = apply(running(), TICK, T1 + HALF);
    expect(step(stalled, TICK, T1 + TIMEOUT - 1)).toEqual({ ok: true, job: stalled, events: [] });
  });

  it("measures silence from the last heartbeat rather than from the start", () => {
    const heard = apply(running(), heartbeat(), T1 + 50 * SEC);
    expect(step(heard, TICK, T1 + TIMEOUT)).toEqual({ ok: true, job: heard, events: [] });
  });

  it("requeues the attempt at the full heartbeat timeout", () => {
    const stalled = apply(running(), TICK, T1 + HALF);
    const { job, events } = accept(stalled, TICK, T1 + TIMEOUT);
    expect(job).toMatchObject({ status: "queued", attempt: 2, stalledSince: null, retryAt: T1 + TIMEOUT + BACKOFF });
    expect(events).toMatchObject([{ type: "job:requeued" }]);
  });

  it("records a timed-out attempt as a retryable error", () => {
    const timedOut = apply(running(), TICK, T1 + TIMEOUT);
    expect(timedOut.error).toMatchObject({ retryable: true, attempt: 1, at: T1 + TIMEOUT });
  });

  it("fails the job at the full timeout of its last attempt", () => {
    const { job, events } = accept(running({ maxAttempts: 1 }), TICK, T1 + TIMEOUT);
    expect(job).toMatchObject({ status: "failed", finishedAt: T1 + TIMEOUT });
    expect(events).toMatchObject([{ type: "job:failed" }]);
  });

  it("leaves a queued job alone however late the tick", () => {
    const job = newJob();
    expect(step(job, TICK, T0 + 100 * TIMEOUT)).toEqual({ ok: true, job, events: [] });
  });

  it("announces recovery when a stalled job's worker is heard from again", () => {
    const stalled = apply(running(), TICK, T1 + HALF);
    const { job, events } = accept(stalled, heartbeat(), T1 + HALF + SEC);
    expect(job).toMatchObject({ stalledSince: null });
    expect(events).toMatchObject([{ type: "job:recovered" }]);
  });
});

describe("cancel", () => {
  it("cancels a running job with the owner's reason", () => {
    const { job, events } = accept(running(), { type: "cancel", reason: "not needed" }, T1 + SEC);
    expect(job).toMatchObject({ status: "canceled", finishedAt: T1 + SEC });
    expect(events).toMatchObject([{ type: "job:canceled", reason: "not needed" }]);
  });

  it("cancels a job waiting for its retry, clears the retry time and gives a null reason", () => {
    const { job, events } = accept(requeued(), CANCEL, T1 + 2 * SEC);
    expect(job).toMatchObject({ status: "canceled", retryAt: null });
    expect(events).toMatchObject([{ type: "job:canceled", reason: null }]);
  });

  it("refuses to cancel a job that already finished", () => {
    const completed = apply(running(), complete(), T1 + SEC);
    expect(refusal(completed, CANCEL, T1 + 2 * SEC).code).toBe("job_finished");
  });
});

describe("manual retry", () => {
  it("requeues a failed job as a new attempt that may run at once", () => {
    const failed = apply(running(), error(1, "boom", false), T1 + SEC);
    const { job, events } = accept(failed, RETRY, T1 + 10 * SEC);
    expect(job).toMatchObject({ status: "queued", attempt: 2, retryAt: T1 + 10 * SEC, finishedAt: null });
    expect(events).toMatchObject([{ type: "job:requeued" }]);
  });

  it("raises max attempts so the retry of a last attempt can run", () => {
    const failed = apply(running({ maxAttempts: 1 }), error(1, "boom", false), T1 + SEC);
    expect(apply(failed, RETRY, T1 + 2 * SEC)).toMatchObject({ attempt: 2, maxAttempts: 2 });
  });

  it("requeues a canceled job", () => {
    const canceled = apply(running(), CANCEL, T1 + SEC);
    expect(apply(canceled, RETRY, T1 + 2 * SEC)).toMatchObject({ status: "queued", attempt: 2 });
  });

  it.each([
    ["queued", () => newJob()],
    ["running", () => running()],
    ["completed", () => apply(running(), complete(), T1 + SEC)],
  ])("refuses to retry a %s job", (_status, make) => {
    expect(refusal(make(), RETRY, T1 + 5 * SEC).code).toBe("not_retryable");
  });
});

describe("purity", () => {
  const failed = () => apply(running(), error(1, "boom", false), T1 + SEC);
  const completed = () => apply(running(), complete(), T1 + SEC);
  it.each<[string, () => JobState, JobCommand]>([
    ["a heartbeat", running, heartbeat()],
    ["progress", running, progress(30)],
    ["output", running, OUTPUT],
    ["complete", running, complete()],
    ["a retryable error", running, error(1, "boom", true)],
    ["cancel", running, CANCEL],
    ["a timeout tick", running, TICK],
    ["a manual retry", failed, RETRY],
    ["a tick with nothing due", newJob, TICK],
    ["an identical repeat of complete", completed, complete()],
  ])("does not mutate the job it is given on %s", (_name, make, command) => {
    const job = make();
    const before = structuredClone(job);
    const result = step(job, command, T1 + TIMEOUT);
    expect(result.ok).toBe(true);
    expect(job).toEqual(before);
  });
});
