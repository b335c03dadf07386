/**
 * Preview frames: a small image a worker PUTs while it works. Checked before
 * a byte is read (type, Content-Length, size), stored in R2 under one key per
 * job (the newest replaces the older), and shown to browsers as `job:preview`
 * with a signed, expiring URL.
 */
import { signPreviewUrl } from "../auth/preview-link";
import type { Config } from "../config";
import { ApiError } from "../errors";
import type { JobState } from "../jobs/job";
import { CHANNEL_LIMITS, PREVIEW_TYPES, type JobPreviewMessage } from "../protocol";
import type { StoredPreview } from "./channel-store";

export const previewKey = (jobId: string) => `previews/${jobId}`;

/** The preview's type and length, or the error: 415 another type, 411 no length, 413 too large. */
export function checkPreview(request: Request): { contentType: string; length: number } {
  const contentType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!(PREVIEW_TYPES as readonly string[]).includes(contentType)) {
    throw new ApiError(415, "unsupported_preview_type", `a preview is one of ${PREVIEW_TYPES.join(", ")}`);
  }
  const header = request.headers.get("content-length");
  if (header === null || !/^[0-9]+$/.test(header)) {
    throw new ApiError(411, "length_required", "send the preview with a Content-Length header");
  }
  const length = Number(header);
  if (length === 0 || length > CHANNEL_LIMITS.maxPreviewBytes) {
    throw new ApiError(413, "preview_too_large", `a preview is 1 to ${CHANNEL_LIMITS.maxPreviewBytes} bytes; this one is ${length}`);
  }
  return { contentType, length };
}

/** Streams the preview into R2 (replacing the job's previous one). */
export async function storePreview(bucket: R2Bucket, jobId: string, request: Request, frame: string | null, now: number): Promise<StoredPreview> {
  const { contentType, length } = checkPreview(request);
  const key = previewKey(jobId);
  const body = request.body!.pipeThrough(new FixedLengthStream(length));
  await bucket.put(key, body, { httpMetadata: { contentType } });
  return { key, frame, size: length, contentType, uploadedAt: now };
}

export async function previewMessage(job: JobState, preview: StoredPreview, config: Config, now: number): Promise<JobPreviewMessage> {
  return {
    type: "job:preview",
    job_id: job.id,
    preview: {
      url: await signPreviewUrl(config.signingSecret, job.origin, job.id, preview.uploadedAt, now, config.downloadTtlSeconds),
      frame: preview.frame,
      size: preview.size,
      content_type: preview.contentType,
      uploaded_at: new Date(preview.uploadedAt).toISOString(),
    },
  };
}
