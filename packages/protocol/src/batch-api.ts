/**
 * Bodies of the batch routes: POST /api/batches (many jobs at once), GET
 * /api/batches (the owner's batches, newest first), GET /api/batches/:id (the
 * aggregate and a page of members), cancel and retry.
 */
import * as z from "zod/mini";
import { BatchMember, BatchStatus, BatchSummary, BatchView, MAX_BATCH_JOBS } from "./batch";
import { CreateJobBody, CreateJobResponse } from "./client-api";
import { JsonValue } from "./job-input";
import { queryInteger } from "./query";

/** POST /api/batches: every item is a POST /api/jobs body. */
export const CreateBatchBody = z.object({
  jobs: z.array(CreateJobBody).check(z.minLength(1), z.maxLength(MAX_BATCH_JOBS)),
  metadata: z.optional(JsonValue),
});
export type CreateBatchBody = z.infer<typeof CreateBatchBody>;
export type CreateBatchRequest = z.input<typeof CreateBatchBody>;

export const BatchLinks = z.object({ self: z.string(), ws: z.string() });

export const CreateBatchResponse = z.object({
  batch: BatchView,
  links: BatchLinks,
  /** In the order given, each as POST /api/jobs answers it. */
  jobs: z.array(CreateJobResponse),
});
export type CreateBatchResponse = z.infer<typeof CreateBatchResponse>;

/** GET /api/batches/:id?limit=&cursor=: members are paged in their index order. */
export const BatchQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_BATCH_JOBS)), 100),
  cursor: z.optional(z.string().check(z.regex(/^\d{1,4}$/, "cursor is one this API returned"))),
});

export const BatchResponse = z.object({
  batch: BatchView,
  links: BatchLinks,
  jobs: z.array(BatchMember),
  next_cursor: z.nullable(z.string()),
});
export type BatchResponse = z.infer<typeof BatchResponse>;

/** POST /api/batches/:id/cancel and /retry: the batch after it, and how many members were asked. */
export const BatchActionResponse = z.object({
  batch: BatchView,
  /** Members the action reached (cancel: unfinished ones; retry: failed ones). */
  affected: z.int(),
});
export type BatchActionResponse = z.infer<typeof BatchActionResponse>;


/** GET /api/batches?status=&limit=&cursor=: the owner's batches, newest first (keyset-paged). */
export const ListBatchesQuery = z.object({
  status: z.optional(BatchStatus),
  limit: z._default(queryInteger(1, 100), 20),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});
export type ListBatchesQuery = Omit<z.input<typeof ListBatchesQuery>, "limit"> & { limit?: number };

export const ListBatchesResponse = z.object({
  batches: z.array(BatchSummary),
  next_cursor: z.nullable(z.string()),
});
export type ListBatchesResponse = z.infer<typeof ListBatchesResponse>;
