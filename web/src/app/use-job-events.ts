/**
 * The job's event log for the timeline: read once over HTTP, then the missing
 * tail again whenever the live socket shows a newer seq. (The page is keyed by
 * job id, so one instance follows one job.)
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { JobEvent } from "../../../workers/protocol";
import { jobEvents } from "./api";

export function useJobEvents(jobId: string, liveSeq: number): { events: JobEvent[]; problem: string | null } {
  const [events, setEvents] = useState<JobEvent[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const loaded = useRef(0);
  const inFlight = useRef(false);
  const mounted = useRef(true);
  const wanted = useRef(liveSeq);
  wanted.current = liveSeq;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const catchUp = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
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
      inFlight.current = false;
    }
    // Events that arrived while this read was on its way.
    if (mounted.current && wanted.current > loaded.current) void catchUp();
  }, [jobId]);

  useEffect(() => {
    if (loaded.current === 0 || liveSeq > loaded.current) void catchUp();
  }, [liveSeq, catchUp]);

  return { events, problem };
}
