/**
 * The body of a webhook: `{type, timestamp, data: {job, seq}}` from the job
 * event it reports, or `{type, timestamp, data: {batch, seq}}` from a batch's finish.
 */
import type {
  BatchView,
  BatchWebhookEventType,
  BatchWebhookPayload,
  DownloadLink,
  JobWebhookEventType,
  JobWebhookPayload,
  JobWithInput,
  WebhookPayload,
} from "../protocol";

export function webhookPayload(type: JobWebhookEventType, at: string, job: JobWithInput, seq: number): JobWebhookPayload {
  return { type, timestamp: at, data: { job, seq } };
}

export function batchWebhookPayload(type: BatchWebhookEventType, at: string, batch: BatchView, seq: number): BatchWebhookPayload {
  return { type, timestamp: at, data: { batch, seq } };
}

/** A job's payload, or null for a batch's. */
export function jobPayloadOf(payload: WebhookPayload): JobWebhookPayload | null {
  return "job" in payload.data ? (payload as JobWebhookPayload) : null;
}

/** The payload with a download link signed for this attempt (a completed job's link expires). */
export function withDownload(payload: JobWebhookPayload, download: DownloadLink | null): JobWebhookPayload {
  if (payload.data.job.status !== "completed") return payload;
  return { ...payload, data: { ...payload.data, job: { ...payload.data.job, download } } };
}
