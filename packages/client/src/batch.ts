/**
 * @export-tracker/client/batch: a batch's live aggregate and members in the
 * browser, over the batch's resuming socket (GET /api/batches/:id/ws).
 *
 *   import { subscribeToBatch } from "@export-tracker/client/batch";
 *   const stop = subscribeToBatch({ batchId, token, baseUrl, onState: ({ batch }) => render(batch) });
 */
export { applyBatchMessage, INITIAL_BATCH_STATE, resumeBatchSeq, type BatchViewState } from "./batch-state";
export { subscribeToBatch, type BatchSubscriptionOptions } from "./subscribe-batch";
export type { BatchMember, BatchServerMessage, BatchView } from "@export-tracker/protocol";
