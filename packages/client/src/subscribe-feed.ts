/**
 * Subscribes to the owner feed (every change to the owner's jobs and batches)
 * with an owner-scoped viewer token. `onConnection("live")` fires on each
 * (re)connect: reload the list then, since changes made while disconnected
 * are not replayed.
 */
import { FeedMessage, type FeedBatchMessage, type FeedJobMessage } from "@export-tracker/protocol";
import { openLiveSocket, socketOrigin, type ConnectionState } from "./live-socket";
import { readToken, safeJson, type TokenSource } from "./subscribe-job";

export interface FeedSubscriptionOptions {
  token: TokenSource;
  baseUrl?: string;
  /** A job's list row changed. */
  onMessage: (message: FeedJobMessage) => void;
  /** A batch's list row changed (status, counts, whole percent). */
  onBatch?: (message: FeedBatchMessage) => void;
  onConnection?: (state: ConnectionState) => void;
}

/** Starts the subscription; call the returned function to stop it. */
export function subscribeToFeed(options: FeedSubscriptionOptions): () => void {
  return openLiveSocket({
    url: async () =>
      `${socketOrigin(options.baseUrl)}/api/feed/ws?${new URLSearchParams({ token: await readToken(options.token) })}`,
    onText: (text) => {
      const parsed = FeedMessage.safeParse(safeJson(text));
      if (!parsed.success) return;
      if (parsed.data.type === "feed:job") options.onMessage(parsed.data);
      else options.onBatch?.(parsed.data);
    },
    onConnection: (state) => options.onConnection?.(state),
  });
}
