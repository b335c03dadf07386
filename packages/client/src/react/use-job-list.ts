/**
 * `const { rows, loadMore } = useJobList({ token, loadPage })`: the owner's
 * jobs, live. Pages come from `loadPage` (your backend's proxy of
 * GET /api/jobs); the owner feed updates rows in place. The first page is
 * reloaded on every feed (re)connect and on a status change, since changes
 * made while disconnected are not replayed.
 */
import type { JobStatus, JobSummary, ListJobsResponse } from "@export-tracker/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import { applyFeedMessage, applyPage, emptyJobList, type JobListState } from "../job-list-state";
import type { ConnectionState } from "../live-socket";
import { subscribeToFeed } from "../subscribe-feed";
import type { TokenSource } from "../subscribe-job";

export interface JobListOptions {
  /** An owner-scoped viewer token (no job_id), or a function returning a fresh one. */
  token: TokenSource;
  /** Fetches one page of the list, newest first: `GET /api/jobs?status=&cursor=` through your backend. */
  loadPage: (status: JobStatus | null, cursor: string | null) => Promise<ListJobsResponse>;
  /** Only jobs of this status; null or left out for all. */
  status?: JobStatus | null;
  baseUrl?: string;
}

export interface JobListView {
  rows: JobSummary[];
  list: JobListState;
  connection: ConnectionState;
  loading: boolean;
  /** The last page load's error message, if it failed. */
  problem: string | null;
  /** Loads the next older page, when there is one. */
  loadMore: () => void;
}

export function useJobList(options: JobListOptions): JobListView {
  const status = options.status ?? null;
  const [list, setList] = useState(() => emptyJobList(status));
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const latest = useRef({ ...options, status });
  latest.current = { ...options, status };

  const load = useCallback(async (cursor: string | null) => {
    const forStatus = latest.current.status;
    setLoading(true);
    try {
      const page = await latest.current.loadPage(forStatus, cursor);
      // The filter changed while this page was on its way: drop it.
      if (latest.current.status === forStatus) setList((current) => applyPage(current, page, cursor !== null));
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    setList((current) => ({ ...emptyJobList(status), live: current.live }));
    void load(null);
  }, [status, load]);

  useEffect(
    () =>
      subscribeToFeed({
        baseUrl: options.baseUrl,
        token: () => {
          const token = latest.current.token;
          return typeof token === "string" ? token : token();
        },
        onMessage: (message) => setList((current) => applyFeedMessage(current, message)),
        onConnection: (state) => {
          setConnection(state);
          if (state === "live") void load(null);
        },
      }),
    [load, options.baseUrl],
  );

  const loadMore = useCallback(() => {
    if (list.nextCursor) void load(list.nextCursor);
  }, [list.nextCursor, load]);

  return { rows: list.rows, list, connection, loading, problem, loadMore };
}
