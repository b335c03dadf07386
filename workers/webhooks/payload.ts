/** The body of a webhook, `{type, timestamp, data: {job, seq}}`, from the event it reports. */
import type { DownloadLink, JobWithInput, WebhookEventType, WebhookPayload } from "../protocol";

export function webhookPayload(type: WebhookEventType, at: string, job: JobWithInput, seq: number): WebhookPayload {
  return { type, timestamp: at, data: { job, seq } };
}

/** The payload with a download link signed for this attempt (a completed job's link expires). */
export function withDownload(payload: WebhookPayload, download: DownloadLink | null): WebhookPayload {
  if (payload.data.job.status !== "completed") return payload;
  return { ...payload, data: { ...payload.data, job: { ...payload.data.job, download } } };
}
