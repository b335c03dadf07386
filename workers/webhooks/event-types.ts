/**
 * Which job events become webhooks, under which name, and which endpoints
 * want them. `job:recovered` and `job:callback_refused` are for watchers and
 * operators, not for a customer's backend, so they are not sent.
 */
import { DEFAULT_WEBHOOK_EVENTS, type JobEventType, type JobWebhookEventType, type WebhookEventType } from "../protocol";

const WEBHOOK_TYPE: Partial<Record<JobEventType, JobWebhookEventType>> = {
  "job:created": "job.created",
  "job:started": "job.started",
  "job:progress": "job.progress",
  "job:output": "job.output",
  "job:stalled": "job.stalled",
  "job:requeued": "job.requeued",
  "job:completed": "job.completed",
  "job:failed": "job.failed",
  "job:canceled": "job.canceled",
};

/** The webhook type of a job event, or null when the event is not sent. */
export function webhookTypeOf(type: JobEventType): JobWebhookEventType | null {
  return WEBHOOK_TYPE[type] ?? null;
}

/** The events an endpoint subscribes to: the ones it named, or the default (all but progress, batch events included). */
export function subscribedEvents(named: readonly WebhookEventType[] | null | undefined): WebhookEventType[] {
  return [...new Set(named && named.length > 0 ? named : DEFAULT_WEBHOOK_EVENTS)];
}

/** Whether an endpoint subscribed to `events` gets `type`. */
export function wants(events: readonly WebhookEventType[], type: WebhookEventType): boolean {
  return events.includes(type);
}
