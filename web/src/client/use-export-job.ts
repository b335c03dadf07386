/**
 * The React hook: `const { job, connection } = useExportJob(id, token)`.
 * Re-subscribes only when the job id changes; a token function is read
 * afresh on every reconnect.
 */
import { useEffect, useRef, useState } from "react";
import type { Job } from "../../../workers/protocol";
import { INITIAL_JOB_STATE, type JobViewState } from "./job-state";
import type { ConnectionState } from "./live-socket";
import { subscribeToJob, type TokenSource } from "./subscribe-job";

export interface ExportJobView {
  job: Job | null;
  seq: number;
  connection: ConnectionState;
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
