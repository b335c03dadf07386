/**
 * Effect: a pull or push job's dispatcher hears of its status changes
 * (queued again, finished, canceled).
 */
import { needsDispatchNotice, notifyDispatch } from "../dispatch/notify-dispatch";
import type { AfterCommitEffect } from "./after-commit";

export const dispatchNotice: AfterCommitEffect = {
  kind: "dispatch",
  wants: ({ job, events }) => (needsDispatchNotice(job, events) ? "now" : null),
  run: ({ env, job }) => notifyDispatch(env, job),
};
