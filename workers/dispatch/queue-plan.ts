/**
 * Pure rules of the dispatch queue: what the coordinator does with its entry
 * for a job when the job tells it its state, in which order queued jobs are
 * handed out, and when a lease lapses. The coordinator object only applies these.
 */
import type { JobState } from "../jobs/job";
import type { DispatchMode, JobStatus } from "../protocol";

/** What the coordinator keeps of one pull job. */
export interface QueueEntry {
  jobId: string;
  kind: string;
  priority: number;
  createdAt: number;
  attempt: number;
  /** Not handed out before this (a re-queued attempt's retry_at). */
  eligibleAt: number;
  state: "queued" | "leased";
  worker: string | null;
  leasedAt: number | null;
  /** A worker that released this attempt is not handed it again before `avoidUntil`. */
  avoidWorker: string | null;
  avoidUntil: number;
}

/** What a job tells the coordinator about itself. */
export interface JobDispatchView {
  jobId: string;
  kind: string;
  dispatch: DispatchMode;
  priority: number;
  createdAt: number;
  attempt: number;
  status: JobStatus;
  retryAt: number | null;
  avoidWorker: string | null;
  avoidUntil: number;
}

/** What the coordinator needs of a job. */
export function toDispatchView(job: JobState): JobDispatchView {
  return {
    jobId: job.id,
    kind: job.kind,
    dispatch: job.dispatch ?? "external",
    priority: job.priority ?? 0,
    createdAt: job.createdAt,
    attempt: job.attempt,
    status: job.status,
    retryAt: job.retryAt,
    avoidWorker: job.releasedBy?.worker ?? null,
    avoidUntil: job.releasedBy?.until ?? 0,
  };
}

export type QueuePlan = { action: "keep" } | { action: "delete" } | { action: "queue"; entry: QueueEntry };

/**
 * The coordinator's next entry for a job, given the entry it holds (or null).
 * A queued attempt newer than the held one (or nothing held) is queued; the
 * same attempt already leased stays leased (unless `leaseLapsed`: the lease
 * never reached the job, which is still queued); a finished job leaves the queue.
 */
export function planQueueEntry(existing: QueueEntry | null, job: JobDispatchView, leaseLapsed = false): QueuePlan {
  if (job.dispatch !== "pull") return existing ? { action: "delete" } : { action: "keep" };
  if (job.status === "completed" || job.status === "failed" || job.status === "canceled") {
    return existing ? { action: "delete" } : { action: "keep" };
  }
  if (job.status === "running") return { action: "keep" };
  if (existing && existing.attempt === job.attempt && existing.state === "leased" && !leaseLapsed) return { action: "keep" };
  if (existing && existing.attempt > job.attempt) return { action: "keep" };
  return {
    action: "queue",
    entry: {
      jobId: job.jobId,
      kind: job.kind,
      priority: job.priority,
      createdAt: job.createdAt,
      attempt: job.attempt,
      eligibleAt: job.retryAt ?? 0,
      state: "queued",
      worker: null,
      leasedAt: null,
      avoidWorker: job.avoidWorker,
      avoidUntil: job.avoidUntil,
    },
  };
}

/** Queue order: higher priority first, then the oldest job, then the id (a total order). */
export function compareQueued(a: QueueEntry, b: QueueEntry): number {
  return b.priority - a.priority || a.createdAt - b.createdAt || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0);
}

/** Whether `worker` just released this entry's attempt and must not take it back yet. */
export const avoids = (e: QueueEntry, worker: string | undefined, now: number) =>
  worker !== undefined && e.avoidWorker === worker && e.avoidUntil > now;

/** The entry to lease next at `now` for `worker` that takes `kinds` (all when undefined), or null. */
export function nextToLease(entries: readonly QueueEntry[], now: number, kinds?: readonly string[], worker?: string): QueueEntry | null {
  const eligible = entries.filter(
    (e) =>
      e.state === "queued" && e.eligibleAt <= now && (kinds === undefined || kinds.includes(e.kind)) && !avoids(e, worker, now),
  );
  return eligible.sort(compareQueued)[0] ?? null;
}

/**
 * After this, the coordinator asks the job behind a lease how it is: a lease
 * whose claim never reached the job (a crash between the two) goes back to
 * the queue. A claimed job is running and its own heartbeat timeout rules.
 */
export const ORPHANED_LEASE_MS = 5 * 60_000;

/** When a lease's deadline falls: its last word plus the job's heartbeat timeout. */
export function leaseExpiresAt(lastWordAt: number, heartbeatTimeoutMs: number): number {
  return lastWordAt + heartbeatTimeoutMs;
}
