/**
 * The job as the Durable Object stores it, and its public view. Times are
 * epoch milliseconds inside, ISO strings on the wire.
 */
import type { DispatchMode, DownloadLink, Job, JobStatus, JobWithInput, WebhookEventType } from "../protocol";
import { INITIAL_PROGRESS, type ProgressState } from "./progress";

export interface StoredOutput {
  /** R2 key: one per attempt, so a stale worker cannot overwrite its retry's file. */
  key: string;
  size: number;
  contentType: string;
  filename: string;
  etag: string;
  uploadedAt: number;
}

/** A webhook the job named at creation (signed with its owner's job-webhook secret). */
export interface JobWebhook {
  url: string;
  /** null: the default events. */
  events: WebhookEventType[] | null;
}

export interface StoredError {
  /** Set when the tracker itself ended the job: "expired" (no worker took it in time). */
  code?: string;
  message: string;
  retryable: boolean;
  attempt: number;
  at: number;
}

/** The terminal report of an attempt, kept so an identical repeat is answered 200. */
export interface FinalReport {
  attempt: number;
  callback: "complete" | "error";
  fingerprint: string;
}

export interface JobState {
  id: string;
  owner: string;
  kind: string;
  /** The input as JSON text: it is only ever handed back, never read. */
  inputJson: string;
  /** Scheme and host the job was created under: callback and download links use it. */
  origin: string;
  status: JobStatus;
  attempt: number;
  maxAttempts: number;
  heartbeatTimeoutMs: number;
  progress: ProgressState;
  error: StoredError | null;
  output: StoredOutput | null;
  finalReport: FinalReport | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  lastHeartbeatAt: number | null;
  stalledSince: number | null;
  retryAt: number | null;
  /** Who gets the job to a GPU; absent on jobs made before dispatch modes ("external"). */
  dispatch?: DispatchMode;
  /** Higher runs first among queued pull/push jobs. */
  priority?: number;
  /** A job queued this long without a worker taking it fails as expired; absent on older jobs (never). */
  queueTimeoutMs?: number;
  /** When the job last became queued (created or re-queued): the queue timeout counts from here. */
  queuedAt?: number;
  /** The job's own retention settings (absent: the deployment's OUTPUT_RETENTION_HOURS, JOB_RETENTION_DAYS). */
  outputRetentionMs?: number;
  jobRetentionMs?: number;
  /** When retention deleted the output from R2: its download is gone (410). */
  outputDeletedAt?: number;
  /** After a release: the worker that gave the attempt back is not handed the job again until `until`. */
  releasedBy?: { worker: string; until: number };
  /** Who runs the current attempt, when the tracker handed it out (pull lease name, push endpoint). */
  worker?: string | null;
  /** The job's own webhook; absent when it named none. */
  webhook?: JobWebhook;
}

export interface NewJob {
  id: string;
  owner: string;
  kind: string;
  inputJson: string;
  origin: string;
  maxAttempts: number;
  heartbeatTimeoutMs: number;
  dispatch?: DispatchMode;
  priority?: number;
  queueTimeoutMs?: number;
  outputRetentionMs?: number;
  jobRetentionMs?: number;
  webhook?: JobWebhook;
}

/** A queued job on its first attempt. */
export function createJobState(spec: NewJob, now: number): JobState {
  return {
    ...spec,
    status: "queued",
    attempt: 1,
    progress: INITIAL_PROGRESS,
    error: null,
    output: null,
    finalReport: null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    lastHeartbeatAt: null,
    stalledSince: null,
    retryAt: null,
    queuedAt: now,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** The public view of a job (without its input), as events and snapshots carry it. */
export function toJobView(job: JobState, download: DownloadLink | null): Job {
  const p = job.progress;
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    attempt: job.attempt,
    max_attempts: job.maxAttempts,
    progress: {
      percent: p.percent,
      done: p.done,
      total: p.total,
      stage: p.stage,
      message: p.message,
      eta_seconds: p.etaSeconds,
      updated_at: isoOrNull(p.updatedAt),
    },
    error: job.error && { ...job.error, at: iso(job.error.at) },
    output: job.output && {
      size: job.output.size,
      content_type: job.output.contentType,
      filename: job.output.filename,
      etag: job.output.etag,
      uploaded_at: iso(job.output.uploadedAt),
      ...(job.outputDeletedAt !== undefined && { deleted_at: iso(job.outputDeletedAt) }),
    },
    download,
    stalled_since: isoOrNull(job.stalledSince),
    retry_at: isoOrNull(job.retryAt),
    heartbeat_timeout_seconds: job.heartbeatTimeoutMs / 1000,
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
    started_at: isoOrNull(job.startedAt),
    finished_at: isoOrNull(job.finishedAt),
    last_heartbeat_at: isoOrNull(job.lastHeartbeatAt),
    worker: job.worker ?? null,
  };
}

export function toJobViewWithInput(job: JobState, download: DownloadLink | null): JobWithInput {
  return { ...toJobView(job, download), input: JSON.parse(job.inputJson) };
}

/** Whether the job has a file to download right now. */
export function hasDownload(job: JobState): job is JobState & { output: StoredOutput } {
  return job.status === "completed" && job.output !== null && job.outputDeletedAt === undefined;
}
