/**
 * The hook from a job's object to dispatch: after a job's status changes,
 * a pull job tells its owner's coordinator (queue it, or drop it) and a push job is
 * sent to the push queue or, when canceled, canceled at its GPU provider.
 * Run as an after-commit effect (workers/effects/), which retries a failed notice;
 * the notice carries the job's current state, so a late or repeated one is safe.
 */
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
export function needsDispatchNotice(job: JobState, events: readonly Pick<JobEvent, "type">[]): boolean {
  return (job.dispatch ?? "external") !== "external" && events.some((e) => STATUS_EVENTS.has(e.type));
}

/** Tells the job's dispatcher about its new state; throws when that failed. */
export async function notifyDispatch(env: Env, job: JobState): Promise<void> {
  if (job.dispatch === "pull") await dispatchCoordinator(env, job.owner).sync(toDispatchView(job));
  else if (job.dispatch === "push") await notifyPush(env, job);
}
