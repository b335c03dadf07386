/**
 * Retention rules, pure: a finished job's output is deleted from R2 OUTPUT_RETENTION_HOURS after
 * it finished, and the whole job (its object's storage and its D1 row) JOB_RETENTION_DAYS after;
 * each job may set its own. Nothing is due while a job is unfinished: a job retried back to the
 * queue is safe until it finishes again. The job's alarm applies what these say is due.
 */
import { isTerminal } from "../protocol";
import type { JobState } from "./job";

/** The deployment's defaults, in ms; 0 keeps forever. */
export interface RetentionDefaults {
  outputRetentionMs: number;
  jobRetentionMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The job's own settings when it has them, else the deployment's. */
function settings(job: JobState, defaults: RetentionDefaults): RetentionDefaults {
  return {
    outputRetentionMs: job.outputRetentionMs ?? defaults.outputRetentionMs,
    jobRetentionMs: job.jobRetentionMs ?? defaults.jobRetentionMs,
  };
}

/** When the finished job's output is to be deleted from R2, or null (none, kept, or already gone). */
export function outputDeleteAt(job: JobState, defaults: RetentionDefaults): number | null {
  const { outputRetentionMs } = settings(job, defaults);
  if (!isTerminal(job.status) || job.finishedAt === null || job.output === null) return null;
  if (job.outputDeletedAt !== undefined || outputRetentionMs === 0) return null;
  return job.finishedAt + outputRetentionMs;
}

/** When the finished job itself is to be deleted (object storage and D1 row), or null. */
export function jobDeleteAt(job: JobState, defaults: RetentionDefaults): number | null {
  const { jobRetentionMs } = settings(job, defaults);
  if (!isTerminal(job.status) || job.finishedAt === null || jobRetentionMs === 0) return null;
  return job.finishedAt + jobRetentionMs;
}

/** The next retention deadline of the job: one of the times its alarm serves. */
export function nextRetentionAt(job: JobState, defaults: RetentionDefaults): number | null {
  const times = [outputDeleteAt(job, defaults), jobDeleteAt(job, defaults)].filter((t): t is number => t !== null);
  return times.length > 0 ? Math.min(...times) : null;
}

/** What retention asks of the job at `now`. */
export function retentionDue(job: JobState, now: number, defaults: RetentionDefaults): "delete_job" | "delete_output" | null {
  const jobAt = jobDeleteAt(job, defaults);
  if (jobAt !== null && now >= jobAt) return "delete_job";
  const outputAt = outputDeleteAt(job, defaults);
  return outputAt !== null && now >= outputAt ? "delete_output" : null;
}

/** Hours and days from the config or a request, in ms (0 stays 0: keep forever). */
export const hoursMs = (hours: number) => hours * HOUR;
export const daysMs = (days: number) => days * DAY;
