/**
 * Bodies of the client API, the one the customer's backend calls with its
 * API key: create, list, cancel, retry jobs; viewer tokens; stats.
 */
import * as z from "zod/mini";
import { JobStatus, JobSummary } from "./job";
import { DispatchMode, JobKind, JobWithInput, JsonValue } from "./job-input";
import { queryInteger } from "./query";
import { JobWebhookSpec } from "./webhooks";

export const CreateJobBody = z.object({
  /** A webhook for this job only (besides the owner's endpoints), signed with the owner's job-webhook secret. */
  webhook: z.optional(JobWebhookSpec),
  kind: JobKind,
  input: z._default(JsonValue, {}),
  max_attempts: z.optional(z.int().check(z.minimum(1), z.maximum(10))),
  heartbeat_timeout_seconds: z.optional(z.int().check(z.minimum(1), z.maximum(3600))),
  dispatch: z.optional(DispatchMode),
  /** Higher runs first among queued pull/push jobs (default 0). */
  priority: z.optional(z.int().check(z.minimum(-100), z.maximum(100))),
  /** Fail the job as expired when no worker took it within this (default QUEUE_TIMEOUT_SECONDS). */
  queue_timeout_seconds: z.optional(z.int().check(z.minimum(1), z.maximum(30 * 86_400))),
  /** Delete the output this long after the job finished (0: keep; default OUTPUT_RETENTION_HOURS). */
  output_retention_hours: z.optional(z.int().check(z.minimum(0), z.maximum(87_600))),
  /** Delete the whole job this long after it finished (0: keep; default JOB_RETENTION_DAYS). */
  job_retention_days: z.optional(z.int().check(z.minimum(0), z.maximum(3_650))),
});
/** What the Worker holds after validation (defaults filled in). */
export type CreateJobBody = z.infer<typeof CreateJobBody>;
/** What a caller may send. */
export type CreateJobRequest = z.input<typeof CreateJobBody>;

export const CallbackCredentials = z.object({
  /** Base URL: POST {url}/progress, /heartbeat, /complete, /error, /release; PUT {url}/output. */
  url: z.string(),
  token: z.string(),
  attempt: z.int(),
});
export type CallbackCredentials = z.infer<typeof CallbackCredentials>;

export const JobLinks = z.object({ self: z.string(), ws: z.string() });

/**
 * GET /api/jobs/:id `queue`: a queued pull or push job's place in its owner's line (1 = next)
 * and why it has not started: "owner_limit" (the owner runs max_running jobs already),
 * "retry_backoff" (a re-queued attempt before its retry_at), "waiting_for_worker".
 */
export const QueueStanding = z.object({
  position: z.int(),
  reason: z.enum(["owner_limit", "retry_backoff", "waiting_for_worker"]),
});
export type QueueStanding = z.infer<typeof QueueStanding>;

/**
 * GET /api/jobs/:id and POST /api/jobs/:id/cancel: the job with its input, and where to reach it;
 * GET adds `queue` (null unless the job waits in the pull or push queue).
 */
export const JobResponse = z.object({ job: JobWithInput, links: JobLinks, queue: z.optional(z.nullable(QueueStanding)) });
export type JobResponse = z.infer<typeof JobResponse>;

/** POST /api/jobs and POST /api/jobs/:id/retry: the job, and the credentials of its (new) attempt. */
export const CreateJobResponse = z.object({
  job: JobWithInput,
  callback: CallbackCredentials,
  links: JobLinks,
});
export type CreateJobResponse = z.infer<typeof CreateJobResponse>;

export const CancelJobBody = z.object({ reason: z.optional(z.string().check(z.maxLength(500))) });
export type CancelJobBody = z.infer<typeof CancelJobBody>;

/** GET /api/jobs query (strings in a URL, read strictly). */
export const ListJobsQuery = z.object({
  status: z.optional(JobStatus),
  kind: z.optional(JobKind),
  /** Part of a job id: only jobs whose id contains it. */
  q: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, "q is 1-64 chars of a job id (a-z, 0-9, '_', '-')")),
  ),
  limit: z._default(queryInteger(1, 100), 20),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});
/** What a caller passes (a client writes it into the query string). */
export type ListJobsQuery = Omit<z.input<typeof ListJobsQuery>, "limit"> & { limit?: number };

export const ListJobsResponse = z.object({
  jobs: z.array(JobSummary),
  next_cursor: z.nullable(z.string()),
});
export type ListJobsResponse = z.infer<typeof ListJobsResponse>;

export const EndpointHealth = z.object({
  url: z.string(),
  /** Failed calls among the last ones (network error, 5xx, timeout). */
  recent_failures: z.int(),
  recent_calls: z.int(),
  last_error: z.nullable(z.string()),
  last_failure_at: z.nullable(z.string()),
  last_success_at: z.nullable(z.string()),
});
export type EndpointHealth = z.infer<typeof EndpointHealth>;

export const DispatchStats = z.object({
  /** Pull and push jobs waiting for a worker, eligible now or later. */
  queue_depth: z.int(),
  /** Pull jobs held by a worker's lease. */
  leased: z.int(),
  /** The owner's jobs running now (pull leases and push sends) and its limit (0: none). */
  running: z.int(),
  max_running: z.int(),
  /** Queued jobs that wait only because the owner is at its limit. */
  waiting_for_limit: z.int(),
  endpoints: z.array(EndpointHealth),
});
export type DispatchStats = z.infer<typeof DispatchStats>;

/** Viewer tokens live an hour by default and a day at the most. */
export const ViewerTokenBody = z.object({
  job_id: z.optional(z.string()),
  ttl_seconds: z.optional(z.int().check(z.minimum(60), z.maximum(86_400))),
});
export type ViewerTokenBody = z.infer<typeof ViewerTokenBody>;

export const ViewerTokenResponse = z.object({
  token: z.string(),
  job_id: z.nullable(z.string()),
  expires_at: z.string(),
});
export type ViewerTokenResponse = z.infer<typeof ViewerTokenResponse>;

/** POST /api/session: an API key to exchange for the console's session cookie. */
export const SessionBody = z.object({ api_key: z.string().check(z.minLength(1), z.maxLength(200)) });
export type SessionBody = z.infer<typeof SessionBody>;

/** POST and GET /api/session: who is signed in, until when (the session itself is an HttpOnly cookie). */
export const SessionResponse = z.object({ owner: z.string(), expires_at: z.string() });
export type SessionResponse = z.infer<typeof SessionResponse>;

export const StatsResponse = z.object({
  jobs: z.object({
    total: z.int(),
    by_status: z.record(JobStatus, z.int()),
  }),
  dispatch: z.optional(DispatchStats),
});
export type StatsResponse = z.infer<typeof StatsResponse>;
