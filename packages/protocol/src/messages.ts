/**
 * WebSocket messages: a job's events and snapshot (GET /api/jobs/:id/ws),
 * the owner feed's job rows (GET /api/feed/ws; the whole feed is in
 * feed.ts), and what a browser may send.
 */
import * as z from "zod/mini";
import { CALLBACK_NAMES } from "./callback-names";
import { Job, JobSummary } from "./job";

/** Every job event carries the job as the update that raised it left it (without input). */
const eventBase = { job_id: z.string(), seq: z.int(), at: z.string(), job: Job };
const event = <T extends string>(type: T) => z.object({ type: z.literal(type), ...eventBase });

export const JobEvent = z.discriminatedUnion("type", [
  event("job:created"),
  event("job:started"),
  event("job:progress"),
  z.object({ type: z.literal("job:stalled"), ...eventBase, silent_seconds: z.number() }),
  event("job:recovered"),
  event("job:output"),
  z.object({ type: z.literal("job:requeued"), ...eventBase, reason: z.string() }),
  event("job:completed"),
  event("job:failed"),
  z.object({ type: z.literal("job:canceled"), ...eventBase, reason: z.nullable(z.string()) }),
  z.object({
    type: z.literal("job:callback_refused"),
    ...eventBase,
    callback: z.enum(CALLBACK_NAMES),
    status: z.int(),
    code: z.string(),
    message: z.string(),
    attempt: z.nullable(z.int()),
  }),
]);
export type JobEvent = z.infer<typeof JobEvent>;
export type JobEventType = JobEvent["type"];

/** Sent first on connect (or on resume when the missed events left the log). */
export const SnapshotMessage = z.object({
  type: z.literal("job:snapshot"),
  job_id: z.string(),
  /** The seq of the newest event the snapshot includes: resume from here. */
  seq: z.int(),
  at: z.string(),
  job: Job,
});
export type SnapshotMessage = z.infer<typeof SnapshotMessage>;

export const SocketErrorMessage = z.object({
  type: z.literal("error"),
  job_id: z.string(),
  seq: z.int(),
  error: z.object({ code: z.string(), message: z.string() }),
});
export type SocketErrorMessage = z.infer<typeof SocketErrorMessage>;

export const ServerMessage = z.union([JobEvent, SnapshotMessage, SocketErrorMessage]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Browser -> object. Plain "ping" text frames are answered "pong" by the runtime. */
export const ClientMessage = z.object({
  type: z.literal("job:sync"),
  since: z.int().check(z.minimum(0)),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

/** One job of an owner changed: its list row as it is now, and the job's event seq. */
export const FeedJobMessage = z.object({
  type: z.literal("feed:job"),
  /** The job's own event seq: a row never goes back to an older one. */
  seq: z.int(),
  at: z.string(),
  job: JobSummary,
});
export type FeedJobMessage = z.infer<typeof FeedJobMessage>;


