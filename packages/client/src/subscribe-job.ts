/**
 * Subscribes to one job's live feed: snapshot first, then every event,
 * resuming after a drop from the last seq seen, so the terminal state is
 * never missed and no event is applied twice.
 */
import { ServerMessage } from "@export-tracker/protocol";
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
}

/** Reads a TokenSource. */
export async function readToken(token: TokenSource): Promise<string> {
  return typeof token === "string" ? token : await token();
}

/** Starts the subscription; call the returned function to stop it. */
export function subscribeToJob(options: JobSubscriptionOptions): () => void {
  let state = INITIAL_JOB_STATE;
  return openLiveSocket({
    url: async () => {
      const params = new URLSearchParams({ token: await readToken(options.token) });
      const since = resumeSeq(state);
      if (since !== null) params.set("since", String(since));
      return `${socketOrigin(options.baseUrl)}/api/jobs/${encodeURIComponent(options.jobId)}/ws?${params}`;
    },
    onText: (text) => {
      const parsed = ServerMessage.safeParse(safeJson(text));
      if (!parsed.success) return;
      const next = applyServerMessage(state, parsed.data);
      if (next !== state) options.onState((state = next));
    },
    onConnection: (connection) => options.onConnection?.(connection),
  });
}

/** JSON.parse that answers null instead of throwing. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
