/**
 * The job state machine. One pure function decides every change to a job:
 * it returns the next state and the events to publish, or a refusal that
 * says why nothing was applied. The Durable Object only persists and
 * broadcasts what this decides.
 *
 *   queued -> running -> completed | failed | canceled
 *   running -> queued (retryable error or heartbeat timeout, attempt + 1)
 *   failed | canceled -> queued (manual retry, attempt + 1)
 */
import {
  isTerminal,
  type CompleteReport,
  type ErrorReport,
  type JobEvent,
  type ProgressReport,
  type ReleaseReport,
} from "../protocol";
import type { JobState, StoredOutput } from "./job";
import { INITIAL_PROGRESS, isSameProgress, nextProgress } from "./progress";
import { expireAt, giveUpAt, lastWordAt, retryBackoffMs, stallAt } from "./timers";

/** What a GPU worker's callback asks, for the attempt its token was minted for. */
export type WorkerCommand =
  | { type: "progress"; attempt: number; report: ProgressReport }
  /** `worker`: the name of who claimed the attempt (a pull lease, a push endpoint), when it starts it. */
  | { type: "heartbeat"; attempt: number; worker?: string }
  | { type: "output"; attempt: number; output: StoredOutput }
  | { type: "complete"; attempt: number; report: CompleteReport }
  | { type: "error"; attempt: number; report: ErrorReport }
  /** The worker hands its attempt back: re-queued at once, without using up an attempt. */
  | { type: "release"; attempt: number; report: ReleaseReport };

export type JobCommand =
  | WorkerCommand
  | { type: "cancel"; reason?: string }
  | { type: "retry" }
  /** The alarm: apply whatever the clock says is due. */
  | { type: "tick" };

type Draft<T> = T extends JobEvent ? Omit<T, "job_id" | "seq" | "at" | "job"> : never;

/** An event before the store stamps it with its seq, time and the job it leaves behind. */
export type EventDraft = Draft<JobEvent>;

export interface Refusal {
  status: 409;
  code: string;
  message: string;
}

export type TransitionResult =
  | { ok: true; job: JobState; events: EventDraft[] }
  | { ok: false; refusal: Refusal };

export interface TransitionPolicy {
  /** Backoff before the second attempt; it doubles with every further attempt. */
  retryBackoffMs: number;
}

const refuse = (code: string, message: string): TransitionResult => ({
  ok: false,
  refusal: { status: 409, code, message },
});

const unchanged = (job: JobState): TransitionResult => ({ ok: true, job, events: [] });

/** Decides the effect of `command` on `job` at `now`. Never mutates `job`. */
export function transition(
  job: JobState,
  command: JobCommand,
  now: number,
  policy: TransitionPolicy,
): TransitionResult {
  switch (command.type) {
    case "cancel":
      return cancel(job, command.reason ?? null, now);
    case "retry":
      return retryByHand(job, now);
    case "tick":
      return tick(job, now, policy);
    default:
      return fromWorker(job, command, now, policy);
  }
}

/** The canonical form of a terminal report: an identical repeat has the same fingerprint. */
export function fingerprint(command: WorkerCommand): string {
  return "report" in command ? JSON.stringify(command.report) : "";
}

/**
 * Why attempt `attempt`'s worker may not report on `job` now, or null when it may. Checked by
 * every worker command, and on its own before an upload reads a byte (changing nothing).
 */
export function reportRefusal(job: JobState, attempt: number): Refusal | null {
  if (attempt !== job.attempt) {
    return {
      status: 409,
      code: "stale_attempt",
      message: `this token is for attempt ${attempt}, but the job is on attempt ${job.attempt}`,
    };
  }
  if (isTerminal(job.status)) {
    return {
      status: 409,
      code: job.status === "canceled" ? "job_canceled" : "job_finished",
      message: `the job is ${job.status}; callbacks are no longer accepted`,
    };
  }
  return null;
}

function fromWorker(
  job: JobState,
  command: WorkerCommand,
  now: number,
  policy: TransitionPolicy,
): TransitionResult {
  const final = job.finalReport;
  if (
    final &&
    final.attempt === command.attempt &&
    final.callback === command.type &&
    final.fingerprint === fingerprint(command)
  ) {
    return unchanged(job);
  }
  const refusal = reportRefusal(job, command.attempt);
  if (refusal) return { ok: false, refusal };
  if (command.type === "release") return release(job, command.report.reason ?? null, now);

  // Any word from the current attempt's worker starts the job and proves it alive.
  const events: EventDraft[] = [];
  let next: JobState = { ...job, lastHeartbeatAt: now, updatedAt: now };
  if (job.status === "queued") {
    const worker = command.type === "heartbeat" ? (command.worker ?? null) : null;
    next = { ...next, status: "running", startedAt: now, retryAt: null, worker };
    events.push({ type: "job:started" });
  }
  if (job.stalledSince !== null) {
    next = { ...next, stalledSince: null };
    events.push({ type: "job:recovered" });
  }

  switch (command.type) {
    case "heartbeat":
      return { ok: true, job: next, events };

    case "progress": {
      const progress = nextProgress(job.progress, command.report, now, next.startedAt ?? now);
      if (progress.percent < job.progress.percent) {
        return refuse(
          "progress_regressed",
          `progress ${progress.percent}% is behind the ${job.progress.percent}% already reported for this attempt`,
        );
      }
      if (isSameProgress(job.progress, progress)) return { ok: true, job: next, events };
      events.push({ type: "job:progress" });
      return { ok: true, job: { ...next, progress }, events };
    }

    case "output":
      events.push({ type: "job:output" });
      return { ok: true, job: { ...next, output: command.output }, events };

    case "complete":
      events.push({ type: "job:completed" });
      return {
        ok: true,
        job: {
          ...next,
          status: "completed",
          finishedAt: now,
          progress: {
            ...next.progress,
            percent: 100,
            done: next.progress.total,
            etaSeconds: 0,
            message: command.report.message ?? next.progress.message,
            updatedAt: now,
          },
          finalReport: { attempt: command.attempt, callback: "complete", fingerprint: fingerprint(command) },
        },
        events,
      };

    case "error": {
      const error = {
        message: command.report.error,
        retryable: command.report.retryable,
        attempt: job.attempt,
        at: now,
      };
      const finalReport = {
        attempt: command.attempt,
        callback: "error" as const,
        fingerprint: fingerprint(command),
      };
      const failed = { ...next, error, finalReport };
      const result = command.report.retryable
        ? giveUp(failed, `attempt ${job.attempt} failed: ${command.report.error}`, now, policy)
        : fail(failed, now);
      return { ok: true, job: result.job, events: [...events, ...result.events] };
    }
  }
}

/**
 * A worker gives its attempt back (it is shutting down): the job is queued again at once as a
 * new attempt, so the old token is refused from now on, and max_attempts grows by one, so the
 * attempts left are what they were.
 */
function release(job: JobState, reason: string | null, now: number): TransitionResult {
  const next = requeue(job, now, now);
  // The releasing worker's own lease polls still in flight must not take it straight back.
  const releasedBy = job.worker ? { worker: job.worker, until: now + RELEASE_AVOID_MS } : undefined;
  return {
    ok: true,
    job: { ...next, maxAttempts: job.maxAttempts + 1, ...(releasedBy && { releasedBy }) },
    events: [{ type: "job:requeued", reason: `attempt ${job.attempt} released by its worker${reason ? `: ${reason}` : ""}` }],
  };
}

/** Longer than the longest lease long-poll (25 s), so a poll opened before the release has ended. */
export const RELEASE_AVOID_MS = 30_000;

function cancel(job: JobState, reason: string | null, now: number): TransitionResult {
  if (isTerminal(job.status)) {
    return refuse("job_finished", `the job is already ${job.status}`);
  }
  return {
    ok: true,
    job: { ...job, status: "canceled", finishedAt: now, updatedAt: now, stalledSince: null, retryAt: null },
    events: [{ type: "job:canceled", reason }],
  };
}

function retryByHand(job: JobState, now: number): TransitionResult {
  if (job.status !== "failed" && job.status !== "canceled") {
    return refuse("not_retryable", `only a failed or canceled job can be retried; this one is ${job.status}`);
  }
  const next = requeue(job, now, now);
  return {
    ok: true,
    job: { ...next, maxAttempts: Math.max(job.maxAttempts, next.attempt) },
    events: [{ type: "job:requeued", reason: "retried by its owner" }],
  };
}

function tick(job: JobState, now: number, policy: TransitionPolicy): TransitionResult {
  const expiry = expireAt(job);
  if (expiry !== null && now >= expiry) return { ok: true, ...expire(job, now) };
  const giveUpTime = giveUpAt(job);
  const last = lastWordAt(job);
  if (giveUpTime !== null && last !== null && now >= giveUpTime) {
    const silent = Math.round((now - last) / 1000);
    const reason = `no word from the GPU worker for ${silent} s (attempt ${job.attempt} of ${job.maxAttempts})`;
    const timedOut = {
      ...job,
      updatedAt: now,
      error: { message: reason, retryable: true, attempt: job.attempt, at: now },
    };
    return { ok: true, ...giveUp(timedOut, reason, now, policy) };
  }
  const stallTime = stallAt(job);
  if (stallTime !== null && last !== null && now >= stallTime) {
    return {
      ok: true,
      job: { ...job, stalledSince: now, updatedAt: now },
      events: [{ type: "job:stalled", silent_seconds: Math.round((now - last) / 1000) }],
    };
  }
  return unchanged(job);
}

/** Ends the current attempt: back to the queue while attempts remain, else failed. */
function giveUp(
  job: JobState,
  reason: string,
  now: number,
  policy: TransitionPolicy,
): { job: JobState; events: EventDraft[] } {
  if (job.attempt >= job.maxAttempts) return fail(job, now);
  const retryAt = now + retryBackoffMs(job.attempt, policy.retryBackoffMs);
  return { job: requeue(job, now, retryAt), events: [{ type: "job:requeued", reason }] };
}

/** No worker took the queued job within its queue timeout: it fails for good, as `expired`. */
function expire(job: JobState, now: number): { job: JobState; events: EventDraft[] } {
  const waited = Math.round((now - (job.queuedAt ?? job.createdAt)) / 1000);
  const message = `no worker took the job within its queue timeout of ${(job.queueTimeoutMs ?? 0) / 1000} s (queued for ${waited} s)`;
  return fail({ ...job, retryAt: null, error: { code: "expired", message, retryable: false, attempt: job.attempt, at: now } }, now);
}

function fail(job: JobState, now: number): { job: JobState; events: EventDraft[] } {
  return {
    job: { ...job, status: "failed", finishedAt: now, updatedAt: now, stalledSince: null },
    events: [{ type: "job:failed" }],
  };
}

/** A new attempt: fresh progress and no output; the last error stays for the record. */
function requeue(job: JobState, now: number, retryAt: number): JobState {
  return {
    ...job,
    status: "queued",
    attempt: job.attempt + 1,
    progress: INITIAL_PROGRESS,
    output: null,
    startedAt: null,
    finishedAt: null,
    lastHeartbeatAt: null,
    stalledSince: null,
    retryAt,
    queuedAt: now,
    releasedBy: undefined,
    updatedAt: now,
  };
}
