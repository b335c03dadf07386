/**
 * The job's event log for the timeline: read once over HTTP, then the missing
 * tail again whenever the live socket shows a newer seq, at most once a
 * second (a busy job reports many times a second). The page is keyed by job
 * id, so one instance follows one job.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { JobEvent } from "@export-tracker/protocol";
import { jobEvents } from "./api";

const READ_EVERY_MS = 1000;

export function useJobEvents(jobId: string, liveSeq: number): { events: JobEvent[]; problem: string | null } {
  const [events, setEvents] = useState<JobEvent[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const loaded = useRef(0);
  const busy = useRef(false);
  const lastReadAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const mounted = useRef(true);
  const wanted = useRef(liveSeq);
  wanted.current = liveSeq;

  const read = useCallback(async () => {
    busy.current = true;
    lastReadAt.current = Date.now();
    try {
      const more = await jobEvents(jobId, loaded.current);
      if (!mounted.current) return;
      if (more.length > 0) {
        loaded.current = more.at(-1)!.seq;
        setEvents((current) => [...current, ...more.filter((e) => e.seq > (current.at(-1)?.seq ?? 0))]);
      }
      setProblem(null);
    } catch (err) {
      if (mounted.current) setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      busy.current = false;
    }
    // Events that arrived while this read was on its way.
    if (mounted.current && wanted.current > loaded.current) schedule();
  }, [jobId]);

  /** Reads now, or once the last read is a second old; never two at once. */
  const schedule = useCallback(() => {
    if (busy.current || timer.current) return;
    const wait = Math.max(0, lastReadAt.current + READ_EVERY_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      void read();
    }, wait);
  }, [read]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, []);

  useEffect(() => {
    if (loaded.current === 0 || liveSeq > loaded.current) schedule();
  }, [liveSeq, schedule]);

  return { events, problem };
}
