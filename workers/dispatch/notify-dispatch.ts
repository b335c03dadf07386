/**
 * The hook from a job's object to dispatch: after a job's status changes,
 * a pull job tells its owner's coordinator (queue it, or drop it) and a push job is
 * sent to the push queue or, when canceled, canceled at its GPU provider.
 */
import { log } from "../log";
import type { JobEvent } from "../protocol";
import type { JobState } from "../jobs/job";
import { dispatchCoordinator } from "./dispatch-coordinator";
import { notifyPush } from "./push-dispatch";
import { toDispatchView } from "./queue-plan";

/** Events after which the dispatcher must hear of the job. */
const STATUS_EVENTS = new Set<JobEvent["type"]>([
  "job:created",
  "job:requeued",
  "job:completed",
  "job:failed",
  "job:canceled",
]);

/** Whether these events change what the dispatcher of this job must know. */
export function needsDispatchNotice(job: JobState, events: readonly JobEvent[]): boolean {
  return (job.dispatch ?? "external") !== "external" && events.some((e) => STATUS_EVENTS.has(e.type));
}

/** Tells the job's dispatcher about its new state; false (logged) when that failed. */
export async function notifyDispatch(env: Env, job: JobState): Promise<boolean> {
  try {
    if (job.dispatch === "pull") await dispatchCoordinator(env, job.owner).sync(toDispatchView(job));
    else if (job.dispatch === "push") await notifyPush(env, job);
    return true;
  } catch (err) {
    log.error("dispatch.notify_failed", { job_id: job.id, dispatch: job.dispatch, status: job.status, error: err });
    return false;
  }
}

/** Where the job's object remembers a notice that failed, and when to try again. */
const RETRY_KEY = "dispatch_notice_retry_at";
export const NOTICE_RETRY_MS = 1000;

/**
 * Tells dispatch now; when that fails, the job's alarm tries again (the
 * notice carries the job's current state, so a late or repeated one is safe).
 */
export async function noticeDispatch(storage: DurableObjectStorage, env: Env, job: JobState, now: number): Promise<void> {
  if (await notifyDispatch(env, job)) {
    if ((await storage.get(RETRY_KEY)) !== undefined) await storage.delete(RETRY_KEY);
  } else {
    await storage.put(RETRY_KEY, now + NOTICE_RETRY_MS);
  }
}

/** When a failed notice is due again, or null: one of the times the job's alarm serves. */
export async function pendingNoticeAt(storage: DurableObjectStorage): Promise<number | null> {
  return (await storage.get<number>(RETRY_KEY)) ?? null;
}

/** From the job's alarm: sends a failed notice again once it is due. */
export async function retryDueNotice(storage: DurableObjectStorage, env: Env, job: JobState, now: number): Promise<void> {
  const at = await pendingNoticeAt(storage);
  if (at !== null && at <= now) await noticeDispatch(storage, env, job, now);
}
