/**
 * The owner's batches as a list holds them: pages fetched over HTTP (GET
 * /api/batches) merged with live rows from the owner feed (`feed:batch`).
 * Pure functions, and the listener that reads `feed:batch` off the owner feed. Feed rows are ordered by the batch's event seq (an
 * older one is dropped); a fetched row and a feed row by `updated_at`, so a
 * page read from the (slightly lagging) D1 mirror never hides a newer live state.
 */
import { FeedBatchMessage, type BatchSummary, type ListBatchesResponse } from "@export-tracker/protocol";

export interface BatchListState {
  /** Newest first. */
  rows: BatchSummary[];
  /** The newest feed row seen per batch id, across reloads. */
  live: Record<string, { seq: number; batch: BatchSummary }>;
  nextCursor: string | null;
}

export const emptyBatchList = (): BatchListState => ({ rows: [], live: {}, nextCursor: null });

const newestFirst = (a: BatchSummary, b: BatchSummary) =>
  a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1;

const fresher = (a: BatchSummary, b: BatchSummary | undefined) => (b && b.updated_at > a.updated_at ? b : a);

/** Takes a fetched page: the first one replaces the rows, a later one is appended. */
export function applyBatchPage(state: BatchListState, page: ListBatchesResponse, append: boolean): BatchListState {
  const fetched = page.batches.map((row) => fresher(row, state.live[row.id]?.batch));
  const kept = append ? state.rows.filter((r) => !fetched.some((f) => f.id === r.id)) : [];
  return { ...state, rows: [...kept, ...fetched].sort(newestFirst), nextCursor: page.next_cursor };
}

/** Folds one feed message in: updates a row, or inserts a new batch (one older than the loaded pages waits for its page). */
export function applyBatchFeedMessage(state: BatchListState, message: FeedBatchMessage): BatchListState {
  const known = state.live[message.batch.id];
  if (known && known.seq >= message.seq) return state;
  const live = { ...state.live, [message.batch.id]: { seq: message.seq, batch: message.batch } };
  const others = state.rows.filter((r) => r.id !== message.batch.id);
  const present = others.length !== state.rows.length;
  const oldest = state.rows.at(-1);
  const belongsHere = present || state.nextCursor === null || !oldest || newestFirst(message.batch, oldest) <= 0;
  return { ...state, live, rows: belongsHere ? [...others, message.batch].sort(newestFirst) : others };
}

/** For `subscribeToFeed`'s `onOtherMessage`: calls `onBatch` with each valid `feed:batch` message, ignores the rest. */
export function batchFeedListener(onBatch: (message: FeedBatchMessage) => void): (message: unknown) => void {
  return (message) => {
    const parsed = FeedBatchMessage.safeParse(message);
    if (parsed.success) onBatch(parsed.data);
  };
}
