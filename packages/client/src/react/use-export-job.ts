/**
 * `const { job, connection } = useExportJob(id, token)`: one job, live.
 * Re-subscribes only when the job id or base URL changes; a token function
 * is read afresh on every reconnect.
 */
import type { Job } from "@export-tracker/protocol";
import { useEffect, useRef, useState } from "react";
import { INITIAL_JOB_STATE, type JobViewState } from "../job-state";
import type { ConnectionState } from "../live-socket";
import { subscribeToJob, type TokenSource } from "../subscribe-job";

export interface ExportJobView {
  /** The job as of `seq`, or null until the first message arrives. */
  job: Job | null;
  seq: number;
  connection: ConnectionState;
  /** The last protocol error the server sent (e.g. an expired token), if any. */
  error: JobViewState["error"];
}

export function useExportJob(jobId: string, token: TokenSource, options: { baseUrl?: string } = {}): ExportJobView {
  const [state, setState] = useState<JobViewState>(INITIAL_JOB_STATE);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const tokenRef = useRef(token);
  tokenRef.current = token;

  useEffect(() => {
    setState(INITIAL_JOB_STATE);
    return subscribeToJob({
      jobId,
      baseUrl: options.baseUrl,
      token: () => (typeof tokenRef.current === "string" ? tokenRef.current : tokenRef.current()),
      onState: setState,
      onConnection: setConnection,
    });
  }, [jobId, options.baseUrl]);

  return { job: state.job, seq: state.seq, connection, error: state.error };
}
