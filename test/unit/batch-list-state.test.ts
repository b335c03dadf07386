/**
 * The browser's live batch list: fetched pages merged with `feed:batch` rows,
 * each row only ever moving forward.
 */
import { describe, expect, it } from "vitest";
import type { BatchSummary, FeedBatchMessage } from "../../workers/protocol";
import { applyBatchFeedMessage, applyBatchPage, emptyBatchList } from "../../packages/client/src/batch-list-state";

const at = (minute: number) => `2030-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;
const row = (id: string, minute: number, patch: Partial<BatchSummary> = {}): BatchSummary => ({
  id,
  status: "running",
  total: 2,
  counts: { queued: 2, running: 0, completed: 0, failed: 0, canceled: 0 },
  percent: 0,
  created_at: at(minute),
  updated_at: at(minute),
  finished_at: null,
  ...patch,
});
const feed = (seq: number, batch: BatchSummary): FeedBatchMessage => ({ type: "feed:batch", seq, at: batch.updated_at, batch });
const ids = (rows: BatchSummary[]) => rows.map((r) => r.id);

describe("batch list state", () => {
  it("lists a page newest first and appends the next one", () => {
    let state = applyBatchPage(emptyBatchList(), { batches: [row("b", 2), row("a", 1)], next_cursor: "c1" }, false);
    state = applyBatchPage(state, { batches: [row("z", 0)], next_cursor: null }, true);
    expect(ids(state.rows)).toEqual(["b", "a", "z"]);
    expect(state.nextCursor).toBeNull();
  });

  it("inserts a new batch at the top and updates a row in place, dropping a stale feed message", () => {
    let state = applyBatchPage(emptyBatchList(), { batches: [row("a", 1)], next_cursor: null }, false);
    state = applyBatchFeedMessage(state, feed(0, row("b", 2)));
    state = applyBatchFeedMessage(state, feed(4, row("a", 1, { status: "completed", percent: 100, updated_at: at(5) })));
    const stale = applyBatchFeedMessage(state, feed(3, row("a", 1, { percent: 50, updated_at: at(4) })));
    expect(stale).toBe(state);
    expect(ids(state.rows)).toEqual(["b", "a"]);
    expect(state.rows[1]).toMatchObject({ status: "completed", percent: 100 });
  });

  it("keeps a live row newer than the page read from the lagging mirror", () => {
    let state = applyBatchFeedMessage(emptyBatchList(), feed(6, row("a", 1, { status: "finished", updated_at: at(9) })));
    state = applyBatchPage(state, { batches: [row("a", 1, { updated_at: at(3) })], next_cursor: null }, false);
    expect(state.rows[0]!.status).toBe("finished");
  });

  it("leaves a batch older than the loaded pages for its own page", () => {
    const state = applyBatchPage(emptyBatchList(), { batches: [row("b", 5)], next_cursor: "c1" }, false);
    expect(ids(applyBatchFeedMessage(state, feed(2, row("old", 1))).rows)).toEqual(["b"]);
  });
});
