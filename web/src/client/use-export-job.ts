/**
 * The React hook: `const { job, connection } = useExportJob(id, token)`.
 * Re-subscribes only when the job id changes; a token function is read
 * afresh on every reconnect.
 */
import { useEffect, useRef, useState } from "react";
import type { Job, LogLine, Preview } from "../../../workers/protocol";
import { INITIAL_JOB_STATE, type JobViewState } from "./job-state";
import type { ConnectionState } from "./live-socket";
import { subscribeToJob, type TokenSource } from "./subscribe-job";

export interface ExportJobView {
  job: Job | null;
  seq: number;
  connection: ConnectionState;
  error: JobViewState["error"];
  /** With `{ logs: true }`: the newest log lines, oldest first. */
  logs: readonly LogLine[];
  /** The newest preview frame, once one arrived. */
  preview: Preview | null;
}

export function useExportJob(jobId: string, token: TokenSource, options: { baseUrl?: string; logs?: boolean } = {}): ExportJobView {
  const [state, setState] = useState<JobViewState>(INITIAL_JOB_STATE);
  const [logs, setLogs] = useState<readonly LogLine[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const tokenRef = useRef(token);
  tokenRef.current = token;

  useEffect(() => {
    setState(INITIAL_JOB_STATE);
    setLogs([]);
    setPreview(null);
    return subscribeToJob({
      jobId,
      baseUrl: options.baseUrl,
      token: () => (typeof tokenRef.current === "string" ? tokenRef.current : tokenRef.current()),
      onState: setState,
      onConnection: setConnection,
      onLogs: options.logs ? setLogs : undefined,
      onPreview: setPreview,
    });
  }, [jobId, options.baseUrl, options.logs]);

  return { job: state.job, seq: state.seq, connection, error: state.error, logs, preview };
}
