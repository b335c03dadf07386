/**
 * Subscribes to one job's live feed: snapshot first, then every event,
 * resuming after a drop from the last seq seen, so the terminal state is
 * never missed and no event is applied twice.
 */
import { JobLogMessage, JobPreviewMessage, ServerMessage, type LogLine, type Preview } from "@export-tracker/protocol";
import { appendLogTail, logResumeSeq } from "./log-tail";
import { applyServerMessage, INITIAL_JOB_STATE, resumeSeq, type JobViewState } from "./job-state";
import { openLiveSocket, socketOrigin, type ConnectionState } from "./live-socket";

/** A viewer token, or a function that returns a fresh one (called on every reconnect). */
export type TokenSource = string | (() => string | Promise<string>);

export interface JobSubscriptionOptions {
  jobId: string;
  token: TokenSource;
  /** Where the tracker runs; defaults to the page's origin. */
  baseUrl?: string;
  onState: (state: JobViewState) => void;
  onConnection?: (state: ConnectionState) => void;
  /** Also follow the job's log lines (`?logs=1`, resumed from the last log_seq): the tail so far, newest last. */
  onLogs?: (tail: readonly LogLine[]) => void;
  /** The newest preview frame of the job, as it arrives. */
  onPreview?: (preview: Preview) => void;
}

/** Reads a TokenSource. */
export async function readToken(token: TokenSource): Promise<string> {
  return typeof token === "string" ? token : await token();
}

/** Starts the subscription; call the returned function to stop it. */
export function subscribeToJob(options: JobSubscriptionOptions): () => void {
  let state = INITIAL_JOB_STATE;
  let logs: readonly LogLine[] = [];
  return openLiveSocket({
    url: async () => {
      const params = new URLSearchParams({ token: await readToken(options.token) });
      const since = resumeSeq(state);
      if (since !== null) params.set("since", String(since));
      if (options.onLogs) {
        params.set("logs", "1");
        const logsSince = logResumeSeq(logs);
        if (logsSince !== null) params.set("logs_since", String(logsSince));
      }
      return `${socketOrigin(options.baseUrl)}/api/jobs/${encodeURIComponent(options.jobId)}/ws?${params}`;
    },
    onText: (text) => {
      const json = safeJson(text);
      const parsed = ServerMessage.safeParse(json);
      if (!parsed.success) return onExtra(json);
      const next = applyServerMessage(state, parsed.data);
      if (next !== state) options.onState((state = next));
    },
    onConnection: (connection) => options.onConnection?.(connection),
  });

  /** job:log and job:preview: beside the seq'd state, with their own cursor (or none). */
  function onExtra(json: unknown): void {
    const log = JobLogMessage.safeParse(json);
    if (log.success && log.data.job_id === options.jobId) {
      const next = appendLogTail(logs, log.data.lines);
      if (next !== logs) options.onLogs?.((logs = next));
      return;
    }
    const preview = JobPreviewMessage.safeParse(json);
    if (preview.success && preview.data.job_id === options.jobId) options.onPreview?.(preview.data.preview);
  }
}

/** JSON.parse that answers null instead of throwing. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
