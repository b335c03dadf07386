/**
 * What the job's object answers over RPC: outcomes as values (error classes
 * do not survive RPC), and for callbacks only what the answer needs of the
 * job, never the whole state with its input.
 */
import type { CallbackName, JobStatus } from "../protocol";
import type { JobState } from "./job";
import type { StoredJob } from "./job-store";
import type { Refusal } from "./transition";

export type NotFound = { status: 404; code: "job_not_found"; message: string };

export type ApplyOutcome =
  | { ok: true; job: JobState }
  | { ok: false; refusal: Refusal | NotFound; job: JobState | null };

export type CreateOutcome =
  | { ok: true; job: JobState; replayed: boolean }
  | { ok: false; refusal: Refusal };

/** What a callback's answer needs of the job (not the whole state with its input). */
export interface JobBrief {
  status: JobStatus;
  attempt: number;
  /** The seq of the job's newest event, after this call's commit. */
  seq: number;
}

/** A worker sending log lines faster than its job's rate allows. */
export type RateRefusal = { status: 429; code: string; message: string };

export type CallbackOutcome =
  | { ok: true; job: JobBrief }
  | { ok: false; refusal: Refusal | NotFound | RateRefusal; job: JobBrief | null };

/** A callback the Worker refused before it reached the object (bad token or body). */
export interface RefusedCallback {
  callback: CallbackName;
  status: number;
  code: string;
  message: string;
  attempt: number | null;
}

export const NOT_FOUND: NotFound = { status: 404, code: "job_not_found", message: "no such job" };

export const brief = ({ job, seq }: StoredJob): JobBrief => ({ status: job.status, attempt: job.attempt, seq });
