/**
 * `const { job, connection } = useExportJob(id, token)`: one job, live.
 * Re-subscribes only when the job id or base URL changes; a token function
 * is read afresh on every reconnect.
 */
import type { Job, LogLine, Preview } from "@export-tracker/protocol";
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
