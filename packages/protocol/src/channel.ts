/**
 * The live channel from a GPU worker to the browser: the worker's WebSocket
 * (GET {callback.url}/ws) with its reports, acks, refusals and close codes;
 * log lines and preview frames, as the HTTP callbacks take them and as
 * browsers get them (job:log, job:preview beside the seq'd job messages);
 * and the documented limits of all of it.
 */
import * as z from "zod/mini";
import { JobEvent, SnapshotMessage, SocketErrorMessage } from "./messages";
import { JobLogMessage, JobPreviewMessage, LogLine } from "./streams";

const shortText = (max: number) => z.string().check(z.maxLength(max));

/** Limits of the channel and of logs and previews (documented in the README). */
export const CHANNEL_LIMITS = {
  /** A text frame larger than this (UTF-8 bytes) is refused (`message_too_large`). */
  maxMessageBytes: 16 * 1024,
  /** Report ids remembered per attempt for idempotent resends (at least the last this many). */
  rememberedIds: 1000,
  /** Browsers get at most this many `job:progress` events a second per job, by default (BROWSER_PROGRESS_PER_SECOND). */
  progressEventsPerSecond: 30,
  /** A log line longer than this (UTF-8 bytes) is cut. */
  maxLogLineBytes: 2048,
  /** Log lines kept per job (the oldest leave first). */
  logRingLines: 2000,
  /** Sustained log lines per second per job, with a burst of logBurstLines. */
  logLinesPerSecond: 200,
  logBurstLines: 1000,
  /** Preview frames: at most this large, one of PREVIEW_TYPES. */
  maxPreviewBytes: 512 * 1024,
} as const;

export const PREVIEW_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;

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

// ------------------------------------------------------------------ logs

const LogLines = z.array(z.string()).check(z.minLength(1), z.maxLength(100));

/** POST {callback.url}/log. */
export const LogReport = z.object({ lines: LogLines });
export type LogReport = z.infer<typeof LogReport>;

/** GET /api/jobs/:id/logs?since=&limit=. */
export const LogQuery = z.object({
  since: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 500),
});
export const LogPage = z.object({
  lines: z.array(LogLine),
  /** Ask again with this `since`; null when this page reached the newest line. */
  next_since: z.nullable(z.int()),
});
export type LogPage = z.infer<typeof LogPage>;

// -------------------------------------------------------------- previews

/** PUT {callback.url}/preview?frame=<label>. */
export const PreviewQuery = z.object({ frame: z.optional(shortText(100)) });

/** Everything the job socket sends: the seq'd messages, and job:log / job:preview beside them. */
export const JobSocketMessage = z.union([JobEvent, SnapshotMessage, SocketErrorMessage, JobLogMessage, JobPreviewMessage]);
export type JobSocketMessage = z.infer<typeof JobSocketMessage>;

// ------------------------------------------- the worker channel (GPU <-> object)

/** A client id for one report: the worker's own, unique within its attempt (resend it unchanged). */
const ReportId = z.string().check(z.minLength(1), z.maxLength(64));

/** Worker -> object: the HTTP callbacks' reports, flat, each with an id. */
export const ChannelReport = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("progress"),
    id: ReportId,
    percent: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
    done: z.optional(z.number().check(z.minimum(0))),
    total: z.optional(z.number().check(z.positive())),
    stage: z.optional(shortText(100)),
    message: z.optional(shortText(500)),
  }),
  z.object({ type: z.literal("heartbeat"), id: ReportId }),
  z.object({ type: z.literal("complete"), id: ReportId, message: z.optional(shortText(500)) }),
  z.object({
    type: z.literal("error"),
    id: ReportId,
    error: z.string().check(z.minLength(1), z.maxLength(2000)),
    retryable: z._default(z.boolean(), false),
  }),
  z.object({ type: z.literal("log"), id: ReportId, lines: LogLines }),
]);
export type ChannelReport = z.infer<typeof ChannelReport>;
export type ChannelReportInput = z.input<typeof ChannelReport>;

/** Object -> worker: report `id` is committed; `seq` is the job's newest event seq after it. */
export const ChannelAck = z.object({ type: z.literal("ack"), id: z.string(), seq: z.int() });
/** Object -> worker: report `id` was not applied (id null when the frame could not be read). */
export const ChannelRefused = z.object({
  type: z.literal("refused"),
  id: z.nullable(z.string()),
  code: z.string(),
  message: z.string(),
});
/** Object -> worker: the job was canceled; stop now. */
export const ChannelCanceled = z.object({ type: z.literal("canceled") });
/** Object -> worker: the object is closing the channel with `code` (see CHANNEL_CLOSE); close your side. */
export const ChannelClosing = z.object({ type: z.literal("closing"), code: z.int(), reason: z.string() });

export const ChannelServerMessage = z.discriminatedUnion("type", [ChannelAck, ChannelRefused, ChannelCanceled, ChannelClosing]);
export type ChannelServerMessage = z.infer<typeof ChannelServerMessage>;
