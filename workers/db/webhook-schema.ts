/**
 * The D1 tables of webhooks: each owner's endpoints, the owner's secret for
 * jobs' own webhooks, one row per delivery (one event for one receiver, whose
 * id is the webhook-id header) and one log row per attempt. Re-exported by
 * schema.ts, so `npm run db:generate` sees them.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { DELIVERY_STATUSES } from "../protocol";

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    owner: text("owner").notNull(),
    url: text("url").notNull(),
    /** JSON array of event types. */
    events: text("events").notNull(),
    description: text("description"),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    disabledReason: text("disabled_reason"),
    /** whsec_...: kept in the clear because signing needs it; never logged or shown again. */
    secret: text("secret").notNull(),
    /** The secret before the last rotation, still signing beside the new one until it expires. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: integer("previous_secret_expires_at"),
    /** First failed attempt of the current run of failures; null after a success. */
    failingSince: integer("failing_since"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_owner").on(t.owner, t.createdAt)],
);
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/** The secret that signs the webhooks jobs name themselves (`webhook` on POST /api/jobs). */
export const webhookJobSecrets = sqliteTable("webhook_job_secrets", {
  owner: text("owner").primaryKey(),
  secret: text("secret").notNull(),
  /** As on endpoints: the secret before the last rotation, signing beside the new one until it expires. */
  previousSecret: text("previous_secret"),
  previousSecretExpiresAt: integer("previous_secret_expires_at"),
  createdAt: integer("created_at").notNull(),
});
export type WebhookJobSecretRow = typeof webhookJobSecrets.$inferSelect;

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    /** msg_...: the webhook-id header, the same on every attempt. */
    id: text("id").primaryKey(),
    owner: text("owner").notNull(),
    /** The endpoint, or null for a job's own webhook (then `url` is where it goes). */
    endpointId: text("endpoint_id"),
    url: text("url").notNull(),
    /** The job a job event is about; null for a batch event. */
    jobId: text("job_id"),
    /** The batch a `batch.*` event is about; null for a job event. */
    batchId: text("batch_id"),
    /** The job's event seq, or the batch's for a batch event. */
    seq: integer("seq").notNull(),
    eventType: text("event_type").notNull(),
    /** The payload as the event left it (a completed job's download link is signed fresh per attempt). */
    payload: text("payload").notNull(),
    /** Scheme and host of the job, for its download link. */
    origin: text("origin").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    /** Attempts made so far (automatic and redelivered). */
    attempts: integer("attempts").notNull(),
    createdAt: integer("created_at").notNull(),
    nextAttemptAt: integer("next_attempt_at"),
  },
  (t) => [
    index("webhook_deliveries_endpoint").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_job").on(t.owner, t.jobId, t.createdAt),
    index("webhook_deliveries_batch").on(t.owner, t.batchId, t.createdAt),
    index("webhook_deliveries_created").on(t.createdAt),
  ],
);
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The delivery, whose id is the webhook-id this attempt was sent with. */
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    trigger: text("trigger", { enum: ["schedule", "redeliver"] }).notNull(),
    at: integer("at").notNull(),
    eventType: text("event_type").notNull(),
    jobId: text("job_id"),
    batchId: text("batch_id"),
    statusCode: integer("status_code"),
    error: text("error"),
    latencyMs: integer("latency_ms").notNull(),
    /** The first 1 KiB of the answer. */
    responseBody: text("response_body"),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId, t.attempt), index("webhook_attempts_at").on(t.at)],
);
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
