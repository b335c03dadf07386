/**
 * Webhooks: the events a customer's backend can be told of, the payload every
 * delivery carries, and the bodies of the /api/webhooks routes and their log.
 */
import * as z from "zod/mini";
import { BatchView } from "./batch";
import { JobWithInput } from "./job-input";
import { queryInteger } from "./query";

/**
 * What a webhook receiver can be told; `job.progress` is coalesced (at most
 * one every few seconds per job). `batch.completed` / `batch.finished` are
 * sent once each time a batch's last member finishes.
 */
export const WEBHOOK_EVENT_TYPES = [
  "job.created",
  "job.started",
  "job.progress",
  "job.output",
  "job.stalled",
  "job.requeued",
  "job.completed",
  "job.failed",
  "job.canceled",
  "batch.completed",
  "batch.finished",
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** Events an endpoint gets when it names none: all but progress. */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES.filter((t) => t !== "job.progress");

export const BATCH_WEBHOOK_EVENT_TYPES = ["batch.completed", "batch.finished"] as const satisfies readonly WebhookEventType[];
export const BatchWebhookEventType = z.enum(BATCH_WEBHOOK_EVENT_TYPES);
export type BatchWebhookEventType = z.infer<typeof BatchWebhookEventType>;
export type JobWebhookEventType = Exclude<WebhookEventType, BatchWebhookEventType>;
export const JobWebhookEventType = z.enum(
  WEBHOOK_EVENT_TYPES.filter((t): t is JobWebhookEventType => !t.startsWith("batch.")) as [JobWebhookEventType, ...JobWebhookEventType[]],
);

/** When the event happened (ISO 8601); the webhook-timestamp header is when this attempt was sent. */
const timestamp = z.string();

/** The body of a job's webhook: the job as GET /api/jobs/:id shows it, and the job's event seq. */
export const JobWebhookPayload = z.object({
  type: JobWebhookEventType,
  timestamp,
  data: z.object({ job: JobWithInput, seq: z.int() }),
});
export type JobWebhookPayload = z.infer<typeof JobWebhookPayload>;

/**
 * The body of a batch's webhook: the batch as GET /api/batches/:id shows it
 * (with its counts by status), and the seq of the batch event that finished it.
 */
export const BatchWebhookPayload = z.object({
  type: BatchWebhookEventType,
  timestamp,
  data: z.object({ batch: BatchView, seq: z.int() }),
});
export type BatchWebhookPayload = z.infer<typeof BatchWebhookPayload>;

/** The body of every webhook: `data.job` for job events, `data.batch` for batch events. */
export const WebhookPayload = z.union([JobWebhookPayload, BatchWebhookPayload]);
export type WebhookPayload = z.infer<typeof WebhookPayload>;

const WebhookEvents = z.array(WebhookEventType).check(z.minLength(1), z.maxLength(WEBHOOK_EVENT_TYPES.length));
const WebhookUrl = z.string().check(z.minLength(1), z.maxLength(2048));
const Description = z.string().check(z.maxLength(500));

/** `webhook` on POST /api/jobs. */
export const JobWebhookSpec = z.object({ url: WebhookUrl, events: z.optional(WebhookEvents) });
export type JobWebhookSpec = z.infer<typeof JobWebhookSpec>;

export const CreateWebhookBody = z.object({
  url: WebhookUrl,
  events: z.optional(WebhookEvents),
  description: z.optional(Description),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = z
  .object({
    url: z.optional(WebhookUrl),
    events: z.optional(WebhookEvents),
    enabled: z.optional(z.boolean()),
    description: z.optional(Description),
  })
  .check(z.refine((b) => Object.keys(b).length > 0, { message: "give at least one of url, events, enabled, description" }));
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;

export const WebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventType),
  description: z.nullable(z.string()),
  enabled: z.boolean(),
  /** Why the endpoint was disabled (by its owner, or after failing for days). */
  disabled_reason: z.nullable(z.string()),
  /** Since when every attempt has failed; null while it answers. */
  failing_since: z.nullable(z.string()),
  /** While a rotated-out secret still signs beside the new one. */
  previous_secret_expires_at: z.nullable(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** POST /api/webhooks and rotate-secret answer with the secret: shown once. */
export const WebhookWithSecret = z.object({ webhook: WebhookEndpoint, secret: z.string() });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "dead"] as const;
export const DeliveryStatus = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** One try of a delivery, as the log keeps it. */
export const DeliveryAttempt = z.object({
  attempt: z.int(),
  at: z.string(),
  /** "schedule" for the automatic tries, "redeliver" for one asked for through the API. */
  trigger: z.enum(["schedule", "redeliver"]),
  status_code: z.nullable(z.int()),
  error: z.nullable(z.string()),
  latency_ms: z.int(),
  /** The first 1 KiB of the receiver's answer. */
  response_body: z.nullable(z.string()),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

/** One event for one endpoint: `id` is the webhook-id header of every attempt. */
export const Delivery = z.object({
  id: z.string(),
  /** The endpoint (`/api/webhooks/:id`) it went to; null for a job's own webhook. */
  endpoint_id: z.nullable(z.string()),
  url: z.string(),
  /** The job the event is about; null for a batch event. */
  job_id: z.nullable(z.string()),
  /** The batch a `batch.*` event is about; null for a job event. */
  batch_id: z.nullable(z.string()),
  event_type: WebhookEventType,
  seq: z.int(),
  status: DeliveryStatus,
  created_at: z.string(),
  next_attempt_at: z.nullable(z.string()),
  attempts: z.array(DeliveryAttempt),
});
export type Delivery = z.infer<typeof Delivery>;

/** GET .../deliveries: the newest deliveries first. */
export const DeliveryLogQuery = z.object({
  limit: z._default(queryInteger(1, 100), 50),
});

export const DeliveryList = z.object({ deliveries: z.array(Delivery) });
export type DeliveryList = z.infer<typeof DeliveryList>;
