/**
 * @export-tracker/client/batch: a batch's live aggregate and members in the
 * browser, over the batch's resuming socket (GET /api/batches/:id/ws); and
 * the owner's list of batches (GET /api/batches pages plus `feed:batch` rows
 * of the owner feed: `subscribeToFeed({ ..., onOtherMessage: batchFeedListener(onBatch) })`).
 *
 *   import { subscribeToBatch } from "@export-tracker/client/batch";
 *   const stop = subscribeToBatch({ batchId, token, baseUrl, onState: ({ batch }) => render(batch) });
 */
export { applyBatchMessage, INITIAL_BATCH_STATE, resumeBatchSeq, type BatchViewState } from "./batch-state";
export { subscribeToBatch, type BatchSubscriptionOptions } from "./subscribe-batch";
export { applyBatchFeedMessage, applyBatchPage, batchFeedListener, emptyBatchList, type BatchListState } from "./batch-list-state";
export type {
  BatchMember,
  BatchServerMessage,
  BatchSummary,
  BatchView,
  FeedBatchMessage,
  ListBatchesResponse,
} from "@export-tracker/protocol";
