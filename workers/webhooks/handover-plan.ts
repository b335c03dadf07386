/**
 * Which of a job's committed events go to the webhook queue. Every event
 * that has a webhook type is handed over once, in seq order, by the
 * `webhooks` effect, except progress: the `webhook-progress` effect runs at
 * most once per interval per job (the after-commit "coalesce" rule) and hands
 * over only the newest progress, and only while it is the newest event that
 * has a webhook type (a later event carries the newer job). Every endpoint of
 * the job thus gets at most one progress per interval, the latest.
 */
import type { JobEvent } from "../protocol";
import { webhookTypeOf } from "./event-types";

const sendable = (e: JobEvent) => webhookTypeOf(e.type) !== null;

/** Whether a commit with this event needs the `webhooks` effect at once. */
export const isHandedAtOnce = (type: JobEvent["type"]) => type !== "job:progress" && webhookTypeOf(type) !== null;

/** The events (after the last run) the `webhooks` effect hands over: all with a webhook type but progress. */
export function eventsToHandOver(events: readonly JobEvent[]): JobEvent[] {
  return events.filter((e) => isHandedAtOnce(e.type));
}

/** The progress (after the last run) the `webhook-progress` effect hands over, or null. */
export function progressToHandOver(events: readonly JobEvent[]): JobEvent | null {
  const last = events.filter(sendable).at(-1);
  return last?.type === "job:progress" ? last : null;
}
