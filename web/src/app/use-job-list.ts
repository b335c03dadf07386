/**
 * The owner's job list, live: the first page is (re)loaded on every feed
 * (re)connect and on a filter change; feed messages update rows in place.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { applyFeedMessage, applyPage, emptyJobList, subscribeToFeed, type ConnectionState, type JobStatus } from "@export-tracker/client";
import { listJobs, viewerToken } from "./auth";

export function useJobList(status: JobStatus | null) {
  const [list, setList] = useState(() => emptyJobList(status));
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const statusRef = useRef(status);
  statusRef.current = status;

  const load = useCallback(async (cursor: string | null) => {
    const forStatus = statusRef.current;
    setLoading(true);
    try {
      const page = await listJobs(forStatus, cursor);
      // A filter changed while this page was on its way: drop it.
      if (statusRef.current === forStatus) setList((current) => applyPage(current, page, cursor !== null));
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
        token: viewerToken,
        onMessage: (message) => setList((current) => applyFeedMessage(current, message)),
        onConnection: (state) => {
          setConnection(state);
          if (state === "live") void load(null);
        },
      }),
    [load],
  );

  const loadMore = useCallback(() => {
    if (list.nextCursor) void load(list.nextCursor);
  }, [list.nextCursor, load]);

  return { list, connection, loading, problem, loadMore };
}
