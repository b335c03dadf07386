/**
 * The owner's batches for the list page: the first page (GET /api/batches)
 * is loaded on every feed (re)connect, `feed:batch` messages update rows in
 * place, older pages on demand. The feed itself is opened by useJobList,
 * which hands this hook its batch messages.
 */
import { useCallback, useState } from "react";
import { applyBatchFeedMessage, applyBatchPage, emptyBatchList, type FeedBatchMessage } from "@export-tracker/client/batch";
import { listBatches } from "./api";

export function useBatchList() {
  const [list, setList] = useState(emptyBatchList);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (cursor: string | null) => {
    setLoading(true);
    try {
      const page = await listBatches(cursor);
      setList((current) => applyBatchPage(current, page, cursor !== null));
    } catch {
      // The job list shows the API's problems; a batch page failing to load is retried on the next reconnect.
    } finally {
      setLoading(false);
    }
  }, []);

  const onFeed = useCallback((message: FeedBatchMessage) => setList((current) => applyBatchFeedMessage(current, message)), []);
  const reload = useCallback(() => void load(null), [load]);
  const loadMore = useCallback(() => {
    if (list.nextCursor) void load(list.nextCursor);
  }, [list.nextCursor, load]);

  return { list: { rows: list.rows, nextCursor: list.nextCursor, loading, loadMore }, onFeed, reload };
}
