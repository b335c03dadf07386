/**
 * Subscribes to one batch's live feed: a snapshot of the batch and its
 * members first, then every batch event, resuming after a drop from the last
 * seq seen (as subscribeToJob does for one job).
 */
import { BatchServerMessage } from "@export-tracker/protocol";
import { applyBatchMessage, INITIAL_BATCH_STATE, resumeBatchSeq, type BatchViewState } from "./batch-state";
import { openLiveSocket, socketOrigin, type ConnectionState } from "./live-socket";
import { readToken, safeJson, type TokenSource } from "./subscribe-job";

export interface BatchSubscriptionOptions {
  batchId: string;
  /** A viewer token for the batch (POST /api/viewer-tokens {batch_id}), or a function returning a fresh one. */
  token: TokenSource;
  baseUrl?: string;
  onState: (state: BatchViewState) => void;
  onConnection?: (state: ConnectionState) => void;
}

/** Starts the subscription; call the returned function to stop it. */
export function subscribeToBatch(options: BatchSubscriptionOptions): () => void {
  let state = INITIAL_BATCH_STATE;
  return openLiveSocket({
    url: async () => {
      const params = new URLSearchParams({ token: await readToken(options.token) });
      const since = resumeBatchSeq(state);
      if (since !== null) params.set("since", String(since));
      return `${socketOrigin(options.baseUrl)}/api/batches/${encodeURIComponent(options.batchId)}/ws?${params}`;
    },
    onText: (text) => {
      const parsed = BatchServerMessage.safeParse(safeJson(text));
      if (!parsed.success) return;
      const next = applyBatchMessage(state, parsed.data);
      if (next !== state) options.onState((state = next));
    },
    onConnection: (connection) => options.onConnection?.(connection),
  });
}
