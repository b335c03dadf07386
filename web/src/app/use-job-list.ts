/**
 * The owner's job list, live: the first page is (re)loaded on every feed
 * (re)connect and on a filter change; feed messages update rows in place.
 * The owner's batches ride on the same feed (`feed:batch`; useBatchList).
 * The stats on top are refetched when a feed message arrives (at most once a second).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { StatsResponse } from "@export-tracker/protocol";
import { applyFeedMessage, applyPage, emptyJobList, subscribeToFeed, type ConnectionState } from "@export-tracker/client";
import { batchFeedListener } from "@export-tracker/client/batch";
import { listJobs, stats } from "./api";
import { useBatchList } from "./use-batch-list";
import { viewerToken } from "./auth";
import { filtersSearch, matchesFilters, type ListFilters } from "./list-filters";

const STATS_EVERY_MS = 1000;

export function useJobList(filters: ListFilters) {
  const [list, setList] = useState(() => emptyJobList(filters.status));
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [counts, setCounts] = useState<StatsResponse | null>(null);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const key = filtersSearch(filters);
  const batches = useBatchList();

  const load = useCallback(async (cursor: string | null) => {
    const forFilters = filtersRef.current;
    setLoading(true);
    try {
      const page = await listJobs(forFilters, cursor);
      // The filters changed while this page was on its way: drop it.
      if (filtersSearch(filtersRef.current) === filtersSearch(forFilters)) {
        setList((current) => applyPage(current, page, cursor !== null));
      }
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  }, []);

  const statsDue = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshStats = useCallback(() => {
    if (statsDue.current) return;
    statsDue.current = setTimeout(() => {
      statsDue.current = null;
      stats().then(setCounts, () => undefined);
    }, STATS_EVERY_MS);
  }, []);

  useEffect(() => {
    setList((current) => ({ ...emptyJobList(filtersRef.current.status), live: current.live }));
    void load(null);
  }, [key, load]);

  useEffect(() => {
    void stats().then(setCounts, () => undefined);
    const stop = subscribeToFeed({
      token: viewerToken,
      onMessage: (message) => {
        setList((current) => applyFeedMessage(current, message));
        refreshStats();
      },
      onOtherMessage: batchFeedListener(batches.onFeed),
      onConnection: (state) => {
        setConnection(state);
        if (state === "live") {
          void load(null);
          batches.reload();
        }
      },
    });
    return () => {
      stop();
      if (statsDue.current) clearTimeout(statsDue.current);
    };
  }, [load, refreshStats, batches.onFeed, batches.reload]);

  const loadMore = useCallback(() => {
    if (list.nextCursor) void load(list.nextCursor);
  }, [list.nextCursor, load]);

  const rows = list.rows.filter((row) => matchesFilters(row, filters));
  return { rows, nextCursor: list.nextCursor, connection, loading, problem, loadMore, stats: counts, batches: batches.list };
}
