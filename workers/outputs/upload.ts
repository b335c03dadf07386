/**
 * Output uploads: a worker PUTs the raw bytes, which stream straight into R2
 * under a key of their job and attempt, with their content type kept.
 */
import { ApiError } from "../errors";
import type { StoredOutput } from "../jobs/job";

export interface UploadHeaders {
  length: number;
  contentType: string;
}

const EXTENSIONS: Record<string, string> = {
  "video/mp4": ".mp4",
  "video/webm": ".webm",
  "video/quicktime": ".mov",
  "image/gif": ".gif",
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/webp": ".webp",
  "audio/mpeg": ".mp3",
  "audio/wav": ".wav",
  "application/zip": ".zip",
  "application/json": ".json",
  "application/pdf": ".pdf",
  "text/plain": ".txt",
  "text/csv": ".csv",
};

/** R2 key of an attempt's output: a stale attempt can never overwrite its retry's file. */
export function outputKey(jobId: string, attempt: number): string {
  return `outputs/${jobId}/attempt-${attempt}`;
}

/** The download filename when the worker gave none: the job id with an extension for the type. */
export function defaultFilename(jobId: string, contentType: string): string {
  return `${jobId}${EXTENSIONS[contentType.split(";")[0]!.trim().toLowerCase()] ?? ".bin"}`;
}

/**
 * Checks an upload before any byte is read: R2 needs the length up front
 * (411 without it), and the size cap is enforced from it (413).
 */
export function checkUpload(request: Request, maxBytes: number): UploadHeaders {
  const header = request.headers.get("content-length");
  if (header === null || !/^[0-9]+$/.test(header)) {
    throw new ApiError(411, "length_required", "send the output with a Content-Length header (no chunked uploads)");
  }
  const length = Number(header);
  if (length > maxBytes) {
    throw new ApiError(413, "output_too_large", `the output is ${length} bytes; the limit is ${maxBytes}`);
  }
  return { length, contentType: request.headers.get("content-type") ?? "application/octet-stream" };
}

/** Streams the request body into R2 and describes what was stored. */
export async function storeOutput(
  bucket: R2Bucket,
  request: Request,
  upload: UploadHeaders,
  target: { jobId: string; attempt: number; filename?: string },
): Promise<StoredOutput> {
  const key = outputKey(target.jobId, target.attempt);
  const fixed = new FixedLengthStream(upload.length);
  const piping = (request.body ?? new ReadableStream({ start: (c) => c.close() })).pipeTo(fixed.writable);
  let object: R2Object;
  try {
    [object] = await Promise.all([
      bucket.put(key, fixed.readable, {
        httpMetadata: { contentType: upload.contentType },
        customMetadata: { job_id: target.jobId, attempt: String(target.attempt) },
      }),
      piping,
    ]);
  } catch {
    throw new ApiError(400, "upload_incomplete", `the body did not match its Content-Length of ${upload.length} bytes`);
  }
  return {
    key,
    size: object.size,
    contentType: upload.contentType,
    filename: target.filename ?? defaultFilename(target.jobId, upload.contentType),
    etag: object.httpEtag,
    uploadedAt: Date.now(),
  };
}
