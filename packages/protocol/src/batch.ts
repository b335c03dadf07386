/**
 * Batches as every party sees them: the aggregate, its members, and the
 * batch socket's messages (GET /api/batches/:id/ws). The request and answer
 * bodies of the batch routes are in batch-api.ts, so a browser bundle that
 * only follows a batch does not carry the job-creation schemas.
 */
import * as z from "zod/mini";
import { JobStatus } from "./job";

/** How many jobs one POST /api/batches may create. */
export const MAX_BATCH_JOBS = 500;

/**
 * A batch is `running` while any member is queued or running, then
 * `completed` when every member completed, or `finished` when some failed or
 * were canceled. A retry of a member makes a finished batch running again.
 */
export const BATCH_STATUSES = ["running", "completed", "finished"] as const;
export const BatchStatus = z.enum(BATCH_STATUSES);
export type BatchStatus = z.infer<typeof BatchStatus>;

export const BatchCounts = z.object({
  queued: z.int(),
  running: z.int(),
  completed: z.int(),
  failed: z.int(),
  canceled: z.int(),
});
export type BatchCounts = z.infer<typeof BatchCounts>;

export const BatchView = z.object({
  id: z.string(),
  status: BatchStatus,
  /** Members in the batch. */
  total: z.int(),
  counts: BatchCounts,
  progress: z.object({
    /** 0..100: by units when every member reports done/total, else the mean of the members' percents. */
    percent: z.number(),
    /** The slowest running member's ETA; null when no running member has one. */
    eta_seconds: z.nullable(z.number()),
    weighted_by: z.enum(["jobs", "units"]),
  }),
  /** The earliest failure among the members failed now. */
  first_error: z.nullable(z.object({ job_id: z.string(), message: z.string(), at: z.string() })),
  /**
   * The JSON value the batch was created with (CreateBatchBody validates it),
   * null when none. Not re-validated here, to keep job-input out of browser bundles.
   */
  metadata: z.unknown(),
  created_at: z.string(),
  updated_at: z.string(),
  /** When the batch last finished (completed or finished); null while running. */
  finished_at: z.nullable(z.string()),
});
export type BatchView = z.infer<typeof BatchView>;

/**
 * A batch as the owner's list shows it (GET /api/batches and the owner
 * feed's `feed:batch`): one bar, the counts and the status.
 */
export const BatchSummary = z.object({
  id: z.string(),
  status: BatchStatus,
  total: z.int(),
  counts: BatchCounts,
  percent: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.nullable(z.string()),
});
export type BatchSummary = z.infer<typeof BatchSummary>;

/** One member job as the batch sees it: what a row of the batch page shows. */
export const BatchMember = z.object({
  id: z.string(),
  /** Its place in the POST /api/batches body. */
  index: z.int(),
  kind: z.string(),
  status: JobStatus,
  attempt: z.int(),
  progress: z.object({
    percent: z.number(),
    done: z.nullable(z.number()),
    total: z.nullable(z.number()),
    eta_seconds: z.nullable(z.number()),
  }),
  error: z.nullable(z.string()),
  /** The job's own event seq this row reflects (0: as created). */
  seq: z.int(),
  updated_at: z.string(),
  finished_at: z.nullable(z.string()),
});
export type BatchMember = z.infer<typeof BatchMember>;

/** Every batch event carries the aggregate as it left it. */
const batchEventBase = { batch_id: z.string(), seq: z.int(), at: z.string(), batch: BatchView };

export const BatchEvent = z.discriminatedUnion("type", [
  /** A member's status (or attempt) changed. */
  z.object({ type: z.literal("batch:job"), ...batchEventBase, job: BatchMember }),
  /** A member's progress moved. */
  z.object({ type: z.literal("batch:progress"), ...batchEventBase, job: BatchMember }),
  /** The last member finished and every member completed. */
  z.object({ type: z.literal("batch:completed"), ...batchEventBase }),
  /** The last member finished and some failed or were canceled (see batch.counts). */
  z.object({ type: z.literal("batch:finished"), ...batchEventBase }),
]);
export type BatchEvent = z.infer<typeof BatchEvent>;

/** Sent first on connect (or on resume when the missed events left the log): the batch and every member. */
export const BatchSnapshotMessage = z.object({
  type: z.literal("batch:snapshot"),
  batch_id: z.string(),
  seq: z.int(),
  at: z.string(),
  batch: BatchView,
  jobs: z.array(BatchMember),
});
export type BatchSnapshotMessage = z.infer<typeof BatchSnapshotMessage>;

export const BatchSocketErrorMessage = z.object({
  type: z.literal("error"),
  batch_id: z.string(),
  seq: z.int(),
  error: z.object({ code: z.string(), message: z.string() }),
});

export const BatchServerMessage = z.union([BatchEvent, BatchSnapshotMessage, BatchSocketErrorMessage]);
export type BatchServerMessage = z.infer<typeof BatchServerMessage>;

/** Browser -> batch object: resend what came after `since`. */
export const BatchClientMessage = z.object({
  type: z.literal("batch:sync"),
  since: z.int().check(z.minimum(0)),
});
export type BatchClientMessage = z.infer<typeof BatchClientMessage>;
