/**
 * The job as every party sees it: statuses, progress, errors, outputs and
 * the list row. zod/mini schemas, so a browser bundle that validates them
 * stays small; the Worker validates with the same ones.
 */
import * as z from "zod/mini";

export const JOB_STATUSES = ["queued", "running", "completed", "failed", "canceled"] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

export const TERMINAL_STATUSES: readonly JobStatus[] = ["completed", "failed", "canceled"];

/** Where a job's status can never change again by itself. */
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

const text = z.string();
const optionalText = z.nullable(z.string());
const optionalNumber = z.nullable(z.number());

export const Progress = z.object({
  /** 0..100, derived from done/total when the worker reports units. */
  percent: z.number(),
  done: optionalNumber,
  total: optionalNumber,
  stage: optionalText,
  message: optionalText,
  /** Seconds left, estimated by the object from the recent progress rate. */
  eta_seconds: optionalNumber,
  updated_at: optionalText,
});
export type Progress = z.infer<typeof Progress>;

export const JobError = z.object({
  /** Set when the tracker ended the job itself: "expired" (queued past its queue timeout). */
  code: z.optional(text),
  message: text,
  retryable: z.boolean(),
  attempt: z.int(),
  at: text,
});
export type JobError = z.infer<typeof JobError>;

export const JobOutput = z.object({
  size: z.int(),
  content_type: text,
  filename: text,
  etag: text,
  uploaded_at: text,
  /** When retention deleted the file (OUTPUT_RETENTION_HOURS after the job finished): no download since. */
  deleted_at: z.optional(text),
});
export type JobOutput = z.infer<typeof JobOutput>;

export const DownloadLink = z.object({
  url: text,
  expires_at: text,
});
export type DownloadLink = z.infer<typeof DownloadLink>;

export const Job = z.object({
  id: text,
  kind: text,
  status: JobStatus,
  attempt: z.int(),
  max_attempts: z.int(),
  progress: Progress,
  error: z.nullable(JobError),
  output: z.nullable(JobOutput),
  /** A fresh signed link while the job is completed with an output. */
  download: z.nullable(DownloadLink),
  /** Set while the GPU has been silent past half its heartbeat timeout. */
  stalled_since: optionalText,
  /** When a re-queued attempt becomes eligible to run. */
  retry_at: optionalText,
  heartbeat_timeout_seconds: z.number(),
  created_at: text,
  updated_at: text,
  started_at: optionalText,
  finished_at: optionalText,
  last_heartbeat_at: optionalText,
  /** Who runs the current attempt, when the tracker handed it out: a pull worker's lease name, or the push endpoint. */
  worker: z.optional(z.nullable(z.string())),
});
export type Job = z.infer<typeof Job>;

/** One row of the owner's job list (D1's mirror of the job). */
export const JobSummary = z.object({
  id: text,
  kind: text,
  status: JobStatus,
  progress: z.number(),
  stage: optionalText,
  attempt: z.int(),
  error: optionalText,
  output_size: z.nullable(z.int()),
  output_type: optionalText,
  created_at: text,
  updated_at: text,
  finished_at: optionalText,
});
export type JobSummary = z.infer<typeof JobSummary>;
