/**
 * The owner feed's messages (GET /api/feed/ws): a job's list row
 * (`feed:job`, in messages.ts) or a batch's (`feed:batch`). Its own module,
 * so an app that lists only jobs bundles no batch schema.
 */
import * as z from "zod/mini";
import { BatchSummary } from "./batch";
import { FeedJobMessage } from "./messages";

/** One batch of an owner changed as its list row shows it (status, counts, whole percent), with the batch's event seq. */
export const FeedBatchMessage = z.object({
  type: z.literal("feed:batch"),
  /** The batch's own event seq: a row never goes back to an older one. */
  seq: z.int(),
  at: z.string(),
  batch: BatchSummary,
});
export type FeedBatchMessage = z.infer<typeof FeedBatchMessage>;

export const FeedMessage = z.discriminatedUnion("type", [FeedJobMessage, FeedBatchMessage]);
export type FeedMessage = z.infer<typeof FeedMessage>;
