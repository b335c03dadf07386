/**
 * The wire protocol: zod schemas and inferred types of every HTTP body and
 * WebSocket message. Defined once here and imported by the Worker, the web
 * client and the GPU-worker scripts, so the three cannot drift apart.
 *
 * This module must stay free of Worker-only imports: it runs in browsers and
 * in Node too.
 */
import { z } from "zod";

export const JOB_STATUSES = ["queued", "running", "completed", "failed", "canceled"] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

export const TERMINAL_STATUSES: readonly JobStatus[] = ["completed", "failed", "canceled"];

/** Where a job's status can never change again by itself. */
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

// ---------------------------------------------------------------- job view

/** Any JSON value: what a job's input may be. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

export const Progress = z.object({
  /** 0..100, derived from done/total when the worker reports units. */
  percent: z.number(),
  done: z.number().nullable(),
  total: z.number().nullable(),
  stage: z.string().nullable(),
  message: z.string().nullable(),
  /** Seconds left, estimated by the object from the recent progress rate. */
  eta_seconds: z.number().nullable(),
  updated_at: z.string().nullable(),
});
export type Progress = z.infer<typeof Progress>;

export const JobError = z.object({
  message: z.string(),
  retryable: z.boolean(),
  attempt: z.number().int(),
  at: z.string(),
});
export type JobError = z.infer<typeof JobError>;

export const JobOutput = z.object({
  size: z.number().int(),
  content_type: z.string(),
  filename: z.string(),
  etag: z.string(),
  uploaded_at: z.string(),
});
export type JobOutput = z.infer<typeof JobOutput>;

export const DownloadLink = z.object({
  url: z.string(),
  expires_at: z.string(),
});
export type DownloadLink = z.infer<typeof DownloadLink>;

export const Job = z.object({
  id: z.string(),
  kind: z.string(),
  status: JobStatus,
  attempt: z.number().int(),
  max_attempts: z.number().int(),
  progress: Progress,
  error: JobError.nullable(),
  output: JobOutput.nullable(),
  /** A fresh signed link while the job is completed with an output. */
  download: DownloadLink.nullable(),
  /** Set while the GPU has been silent past half its heartbeat timeout. */
  stalled_since: z.string().nullable(),
  /** When a re-queued attempt becomes eligible to run. */
  retry_at: z.string().nullable(),
  heartbeat_timeout_seconds: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  last_heartbeat_at: z.string().nullable(),
  /** Who runs the current attempt, when the tracker handed it out: a pull worker's lease name, or the push endpoint. */
  worker: z.string().nullable().optional(),
});
export type Job = z.infer<typeof Job>;

/** GET /api/jobs/:id adds the job's input, which events leave out. */
export const JobWithInput = Job.extend({ input: JsonValue });
export type JobWithInput = z.infer<typeof JobWithInput>;

// ---------------------------------------------------------- client API bodies

export const JobKind = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, "kind is 1-64 chars of a-z, 0-9, '_', '.', ':', '-'");

/**
 * Who gets the job to a GPU: "external" (the customer's backend hands the
 * callback on; the default), "pull" (the tracker queues it for workers that
 * lease), "push" (the tracker sends it to the configured GPU endpoints).
 */
export const DISPATCH_MODES = ["external", "pull", "push"] as const;
export const DispatchMode = z.enum(DISPATCH_MODES);
export type DispatchMode = z.infer<typeof DispatchMode>;

export const CreateJobBody = z.object({
  kind: JobKind,
  input: JsonValue.default({}),
  max_attempts: z.number().int().min(1).max(10).optional(),
  heartbeat_timeout_seconds: z.number().int().min(1).max(3600).optional(),
  dispatch: DispatchMode.optional(),
  /** Higher runs first among queued pull/push jobs (default 0). */
  priority: z.number().int().min(-100).max(100).optional(),
});
export type CreateJobBody = z.infer<typeof CreateJobBody>;

export const CallbackCredentials = z.object({
  /** Base URL: POST {url}/progress, /heartbeat, /complete, /error; PUT {url}/output. */
  url: z.string(),
  token: z.string(),
  attempt: z.number().int(),
});
export type CallbackCredentials = z.infer<typeof CallbackCredentials>;

export const JobLinks = z.object({ self: z.string(), ws: z.string() });

export const CreateJobResponse = z.object({
  job: JobWithInput,
  callback: CallbackCredentials,
  links: JobLinks,
});
export type CreateJobResponse = z.infer<typeof CreateJobResponse>;

export const CancelJobBody = z.object({ reason: z.string().max(500).optional() });

export const ListJobsQuery = z.object({
  status: JobStatus.optional(),
  kind: JobKind.optional(),
  /** Part of a job id: only jobs whose id contains it. */
  q: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "q is 1-64 chars of a job id (a-z, 0-9, '_', '-')")
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const JobSummary = z.object({
  id: z.string(),
  kind: z.string(),
  status: JobStatus,
  progress: z.number(),
  stage: z.string().nullable(),
  attempt: z.number().int(),
  error: z.string().nullable(),
  output_size: z.number().int().nullable(),
  output_type: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const ListJobsResponse = z.object({
  jobs: z.array(JobSummary),
  next_cursor: z.string().nullable(),
});
export type ListJobsResponse = z.infer<typeof ListJobsResponse>;

export const EndpointHealth = z.object({
  url: z.string(),
  /** Failed calls among the last ones (network error, 5xx, timeout). */
  recent_failures: z.number().int(),
  recent_calls: z.number().int(),
  last_error: z.string().nullable(),
  last_failure_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
});
export type EndpointHealth = z.infer<typeof EndpointHealth>;

export const DispatchStats = z.object({
  /** Pull and push jobs waiting for a worker, eligible now or later. */
  queue_depth: z.number().int(),
  /** Pull jobs held by a worker's lease. */
  leased: z.number().int(),
  endpoints: z.array(EndpointHealth),
});
export type DispatchStats = z.infer<typeof DispatchStats>;
/** Viewer tokens live an hour by default and a day at the most. */
export const ViewerTokenBody = z.object({
  job_id: z.string().optional(),
  ttl_seconds: z.number().int().min(60).max(86_400).optional(),
});
export type ViewerTokenBody = z.infer<typeof ViewerTokenBody>;

export const ViewerTokenResponse = z.object({
  token: z.string(),
  job_id: z.string().nullable(),
  expires_at: z.string(),
});
export type ViewerTokenResponse = z.infer<typeof ViewerTokenResponse>;

/** POST and GET /api/session: who is signed in, until when (the session itself is an HttpOnly cookie). */
export const SessionResponse = z.object({ owner: z.string(), expires_at: z.string() });
export type SessionResponse = z.infer<typeof SessionResponse>;

export const StatsResponse = z.object({
  jobs: z.object({
    total: z.number().int(),
    by_status: z.record(JobStatus, z.number().int()),
  }),
  dispatch: DispatchStats.optional(),
});
export type StatsResponse = z.infer<typeof StatsResponse>;

// ------------------------------------------------------- GPU-worker callbacks

const shortText = (max: number) => z.string().max(max);

/** Either a percent, or done/total units (the object derives the percent). */
export const ProgressReport = z
  .object({
    percent: z.number().min(0).max(100).optional(),
    done: z.number().min(0).optional(),
    total: z.number().positive().optional(),
    stage: shortText(100).optional(),
    message: shortText(500).optional(),
  })
  .refine((r) => r.percent !== undefined || (r.done !== undefined && r.total !== undefined), {
    message: "give either percent, or done and total",
  })
  .refine((r) => r.done === undefined || r.total === undefined || r.done <= r.total, {
    message: "done must not exceed total",
  });
export type ProgressReport = z.infer<typeof ProgressReport>;

export const CompleteReport = z.object({ message: shortText(500).optional() });
export type CompleteReport = z.infer<typeof CompleteReport>;

export const ErrorReport = z.object({
  error: z.string().min(1).max(2000),
  retryable: z.boolean().default(false),
});
export type ErrorReport = z.infer<typeof ErrorReport>;

export const OutputQuery = z.object({
  filename: z
    .string()
    .regex(/^[\w][\w .-]{0,127}$/, "filename is 1-128 chars of letters, digits, ' ', '.', '_', '-'")
    .optional(),
});

/** Every callback answer, success or refusal, says whether to stop working. */
export const CallbackAnswer = z.object({
  ok: z.boolean(),
  job_id: z.string(),
  status: JobStatus.nullable(),
  attempt: z.number().int().nullable(),
  canceled: z.boolean(),
  /** The seq of the job's newest event once this callback was committed (its refusal included). */
  seq: z.number().int().nullable().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type CallbackAnswer = z.infer<typeof CallbackAnswer>;

export const CALLBACK_NAMES = ["progress", "heartbeat", "output", "complete", "error", "log", "preview", "ws"] as const;
export type CallbackName = (typeof CALLBACK_NAMES)[number];

// ------------------------------------------------------- pull-mode workers

/** POST /api/worker/lease body. */
export const LeaseRequest = z.object({
  /** A name for logs and stats, e.g. the host name. */
  worker: z.string().min(1).max(100).default("anonymous"),
  /** Only jobs of these kinds; all kinds when left out. */
  kinds: z.array(JobKind).max(50).optional(),
  /** Long-poll: how long to wait for a job before answering 204 (0-25 s). */
  wait_seconds: z.number().min(0).max(25).default(25),
});
export type LeaseRequest = z.input<typeof LeaseRequest>;

/** The lease answer: everything a worker needs to run one attempt of a job. */
export const LeaseResponse = z.object({
  job: z.object({
    id: z.string(),
    kind: z.string(),
    input: JsonValue,
    attempt: z.number().int(),
    priority: z.number().int(),
  }),
  callback: CallbackCredentials,
  lease: z.object({
    /** The lease lapses (and the job is re-queued) without a callback by then; each callback extends it. */
    expires_at: z.string(),
    heartbeat_timeout_seconds: z.number(),
  }),
  canceled: z.boolean(),
});
export type LeaseResponse = z.infer<typeof LeaseResponse>;

// --------------------------------------------------------- WebSocket messages

/** Every job event carries the job as the update that raised it left it (without input). */
const eventBase = { job_id: z.string(), seq: z.number().int(), at: z.string(), job: Job };

export const JobEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("job:created"), ...eventBase }),
  z.object({ type: z.literal("job:started"), ...eventBase }),
  z.object({ type: z.literal("job:progress"), ...eventBase }),
  z.object({ type: z.literal("job:stalled"), ...eventBase, silent_seconds: z.number() }),
  z.object({ type: z.literal("job:recovered"), ...eventBase }),
  z.object({ type: z.literal("job:output"), ...eventBase }),
  z.object({ type: z.literal("job:requeued"), ...eventBase, reason: z.string() }),
  z.object({ type: z.literal("job:completed"), ...eventBase }),
  z.object({ type: z.literal("job:failed"), ...eventBase }),
  z.object({ type: z.literal("job:canceled"), ...eventBase, reason: z.string().nullable() }),
  z.object({
    type: z.literal("job:callback_refused"),
    ...eventBase,
    callback: z.enum(CALLBACK_NAMES),
    status: z.number().int(),
    code: z.string(),
    message: z.string(),
    attempt: z.number().int().nullable(),
  }),
]);
export type JobEvent = z.infer<typeof JobEvent>;
export type JobEventType = JobEvent["type"];

/** GET /api/jobs/:id/events?since=&limit=: the stored event log, oldest first (the object keeps the last 1,000). */
export const EventLogQuery = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const EventLogResponse = z.object({
  events: z.array(JobEvent),
  /** Ask again with this `since` for the next page; null when this page reached the newest event. */
  next_since: z.number().int().nullable(),
});
export type EventLogResponse = z.infer<typeof EventLogResponse>;

/** Sent first on connect (or on resume when the missed events left the log). */
export const SnapshotMessage = z.object({
  type: z.literal("job:snapshot"),
  job_id: z.string(),
  /** The seq of the newest event the snapshot includes: resume from here. */
  seq: z.number().int(),
  at: z.string(),
  job: Job,
});
export type SnapshotMessage = z.infer<typeof SnapshotMessage>;

export const SocketErrorMessage = z.object({
  type: z.literal("error"),
  job_id: z.string(),
  seq: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }),
});

// ------------------------------------------- logs and previews (browsers)

/** One stored log line of a job: its own cursor `log_seq`, apart from the event seq. */
export const LogLine = z.object({ log_seq: z.number().int(), at: z.string(), text: z.string() });
export type LogLine = z.infer<typeof LogLine>;

/** Log lines, to sockets that opened with `?logs=1`. */
export const JobLogMessage = z.object({ type: z.literal("job:log"), job_id: z.string(), lines: z.array(LogLine) });
export type JobLogMessage = z.infer<typeof JobLogMessage>;

/** POST {callback.url}/log. */
export const LogReport = z.object({ lines: z.array(z.string()).min(1).max(100) });
export type LogReport = z.infer<typeof LogReport>;

/** GET /api/jobs/:id/logs?since=&limit=. */
export const LogQuery = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export const LogPage = z.object({
  lines: z.array(LogLine),
  /** Ask again with this `since`; null when this page reached the newest line. */
  next_since: z.number().int().nullable(),
});
export type LogPage = z.infer<typeof LogPage>;

/** The newest preview frame of a job (PUT {callback.url}/preview), behind a signed, expiring URL. */
export const Preview = z.object({
  url: z.string(),
  frame: z.string().nullable(),
  size: z.number().int(),
  content_type: z.string(),
  uploaded_at: z.string(),
});
export type Preview = z.infer<typeof Preview>;

/** Sent to every browser socket when a preview arrives, and on connect when the job has one. Not in the event log. */
export const JobPreviewMessage = z.object({ type: z.literal("job:preview"), job_id: z.string(), preview: Preview });
export type JobPreviewMessage = z.infer<typeof JobPreviewMessage>;

/** The seq'd messages of the job socket: events, snapshots, errors. */
export const ServerMessage = z.union([JobEvent, SnapshotMessage, SocketErrorMessage]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Everything the job socket sends: the seq'd messages, and job:log / job:preview beside them (their own cursor, none). */
export const JobSocketMessage = z.union([JobEvent, SnapshotMessage, SocketErrorMessage, JobLogMessage, JobPreviewMessage]);
export type JobSocketMessage = z.infer<typeof JobSocketMessage>;

/** Browser -> object. Plain "ping" text frames are answered "pong" by the runtime. */
export const ClientMessage = z.object({
  type: z.literal("job:sync"),
  since: z.number().int().min(0),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

// ------------------------------------------ the worker channel (GPU <-> object)

/** A client id for one report: the worker's own, unique within its attempt (resend it unchanged). */
const ReportId = z.string().min(1).max(64);

/** Worker -> object over `GET {callback.url}/ws`: the HTTP callbacks' reports, flat, each with an id. */
export const ChannelReport = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("progress"),
    id: ReportId,
    percent: z.number().min(0).max(100).optional(),
    done: z.number().min(0).optional(),
    total: z.number().positive().optional(),
    stage: shortText(100).optional(),
    message: shortText(500).optional(),
  }),
  z.object({ type: z.literal("heartbeat"), id: ReportId }),
  z.object({ type: z.literal("complete"), id: ReportId, message: shortText(500).optional() }),
  z.object({ type: z.literal("error"), id: ReportId, error: z.string().min(1).max(2000), retryable: z.boolean().default(false) }),
  z.object({ type: z.literal("log"), id: ReportId, lines: LogReport.shape.lines }),
]);
export type ChannelReport = z.infer<typeof ChannelReport>;
export type ChannelReportInput = z.input<typeof ChannelReport>;

/** Object -> worker: the report `id` is committed; `seq` is the job's newest event seq after it. */
export const ChannelAck = z.object({ type: z.literal("ack"), id: z.string(), seq: z.number().int() });
/** Object -> worker: the report `id` was not applied (id null when the frame could not be read). */
export const ChannelRefused = z.object({
  type: z.literal("refused"),
  id: z.string().nullable(),
  code: z.string(),
  message: z.string(),
});
/** Object -> worker: the job was canceled; stop now. */
export const ChannelCanceled = z.object({ type: z.literal("canceled") });
/** Object -> worker: the object is closing the channel with `code` (see CHANNEL_CLOSE); close your side. */
export const ChannelClosing = z.object({ type: z.literal("closing"), code: z.number().int(), reason: z.string() });

export const ChannelServerMessage = z.discriminatedUnion("type", [ChannelAck, ChannelRefused, ChannelCanceled, ChannelClosing]);
export type ChannelServerMessage = z.infer<typeof ChannelServerMessage>;

/** Close codes of the worker channel. */
export const CHANNEL_CLOSE = {
  /** The job moved to a newer attempt: this attempt's worker must stop. */
  superseded: 4001,
  /** The job finished (completed or failed). */
  finished: 4002,
  /** The job was canceled ({type:"canceled"} was sent first). */
  canceled: 4003,
  /** A newer channel for the same attempt replaced this one. */
  replaced: 4004,
} as const;

/** Limits of the channel and of logs and previews (documented in the README). */
export const CHANNEL_LIMITS = {
  /** A text frame larger than this is refused (`message_too_large`). */
  maxMessageBytes: 16 * 1024,
  /** Report ids remembered per attempt for idempotent resends (at least the last this many). */
  rememberedIds: 1000,
  /** Browsers get at most this many `job:progress` events a second per job from channel reports. */
  progressEventsPerSecond: 30,
  /** A log line longer than this is cut. */
  maxLogLineBytes: 2048,
  /** Lines kept per job (the oldest leave first). */
  logRingLines: 2000,
  /** Sustained log lines per second per job, with a burst of logBurstLines. */
  logLinesPerSecond: 200,
  logBurstLines: 1000,
  /** Preview frames: at most this large, one of PREVIEW_TYPES. */
  maxPreviewBytes: 512 * 1024,
} as const;

export const PREVIEW_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;

export const PreviewQuery = z.object({ frame: z.string().max(100).optional() });

// ------------------------------------------------------------------ errors

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// ------------------------------------------------------------ owner feed

/** One job of an owner changed: its list row as it is now, and the job's event seq. */
export const FeedJobMessage = z.object({
  type: z.literal("feed:job"),
  /** The job's own event seq: a row never goes back to an older one. */
  seq: z.number().int(),
  at: z.string(),
  job: JobSummary,
});
export type FeedJobMessage = z.infer<typeof FeedJobMessage>;

export const FeedMessage = FeedJobMessage;
export type FeedMessage = z.infer<typeof FeedMessage>;
