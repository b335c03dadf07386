/**
 * The webhook queue's messages. A job's object hands each committed event
 * over as a `job_event`, a batch's object its finish as a `batch_event`; the
 * consumer fans each out to a delivery per receiver and sends one `attempt`
 * per try. The dead-letter queue gets attempts whose
 * retries are spent and messages that kept throwing.
 */
import { z } from "zod";
import { BatchView, BatchWebhookEventType, JobWebhookEventType, JobWebhookSpec, JobWithInput } from "../protocol";

export const JobEventMessage = z.object({
  kind: z.literal("job_event"),
  owner: z.string(),
  /** Scheme and host of the job, for its download link. */
  origin: z.string(),
  /** The job's own webhook, if it named one at creation. */
  job_webhook: z.nullable(JobWebhookSpec),
  event: z.object({ type: JobWebhookEventType, seq: z.number().int(), at: z.string(), job: JobWithInput }),
});
export type JobEventMessage = z.infer<typeof JobEventMessage>;

/** A batch finished (its last member did): `batch.completed` or `batch.finished`, with the batch's event seq. */
export const BatchEventMessage = z.object({
  kind: z.literal("batch_event"),
  owner: z.string(),
  origin: z.string(),
  event: z.object({ type: BatchWebhookEventType, seq: z.number().int(), at: z.string(), batch: BatchView }),
});
export type BatchEventMessage = z.infer<typeof BatchEventMessage>;

export const AttemptMessage = z.object({
  kind: z.literal("attempt"),
  delivery_id: z.string(),
  /** The attempt this message makes; a repeat of one already made is dropped. */
  attempt: z.number().int().min(1),
  trigger: z.enum(["schedule", "redeliver"]),
  /** Who receives it (an endpoint id, or "job:<id>" for a job's own webhook): a queue batch tries each receiver's messages in order. */
  receiver: z.string().optional(),
});
export type AttemptMessage = z.infer<typeof AttemptMessage>;

export const WebhookMessage = z.discriminatedUnion("kind", [JobEventMessage, BatchEventMessage, AttemptMessage]);
export type WebhookMessage = z.infer<typeof WebhookMessage>;
