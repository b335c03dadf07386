/**
 * Time rules of a job: when silence makes it stalled, when an attempt is
 * given up, and how long a retry waits. The object's alarm is set from these.
 */
import type { JobState } from "./job";

const MAX_BACKOFF_MS = 10 * 60_000;

/** Exponential backoff before attempt `attempt + 1`: base, 2x base, 4x base... capped at 10 min. */
export function retryBackoffMs(attempt: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** The last time the current attempt's worker was heard from. */
export function lastWordAt(job: JobState): number | null {
  return job.lastHeartbeatAt ?? job.startedAt;
}

/** A running job is announced stalled after half its heartbeat timeout of silence. */
export function stallAt(job: JobState): number | null {
  const last = lastWordAt(job);
  if (job.status !== "running" || last === null || job.stalledSince !== null) return null;
  return last + job.heartbeatTimeoutMs / 2;
}

/** A running job's attempt is given up after its full heartbeat timeout of silence. */
export function giveUpAt(job: JobState): number | null {
  const last = lastWordAt(job);
  if (job.status !== "running" || last === null) return null;
  return last + job.heartbeatTimeoutMs;
}

/** A queued job that no worker took within its queue timeout expires then (null: no such rule). */
export function expireAt(job: JobState): number | null {
  if (job.status !== "queued" || job.queueTimeoutMs === undefined || job.queuedAt === undefined) return null;
  return job.queuedAt + job.queueTimeoutMs;
}

/** The next moment the job's own rules need the alarm, if any. */
export function nextJobDeadline(job: JobState): number | null {
  return stallAt(job) ?? giveUpAt(job) ?? expireAt(job);
}
