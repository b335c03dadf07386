/**
 * Subscribes to the owner feed (every change to the owner's jobs and batches)
 * with an owner-scoped viewer token. `onConnection("live")` fires on each
 * (re)connect: reload the list then, since changes made while disconnected
 * are not replayed. Job rows are parsed here; other messages (`feed:batch`)
 * are handed on as they came, for `batchFeedListener` of
 * "@export-tracker/client/batch", so a job-only app bundles no batch schema.
 */
import { FeedJobMessage } from "@export-tracker/protocol";
import { openLiveSocket, socketOrigin, type ConnectionState } from "./live-socket";
import { readToken, safeJson, type TokenSource } from "./subscribe-job";

export interface FeedSubscriptionOptions {
  token: TokenSource;
  baseUrl?: string;
  /** A job's list row changed. */
  onMessage: (message: FeedJobMessage) => void;
  /** Any other feed message, unparsed (e.g. `feed:batch`: pass `batchFeedListener(onBatch)`). */
  onOtherMessage?: (message: unknown) => void;
  onConnection?: (state: ConnectionState) => void;
}

/** Starts the subscription; call the returned function to stop it. */
export function subscribeToFeed(options: FeedSubscriptionOptions): () => void {
  return openLiveSocket({
    url: async () =>
      `${socketOrigin(options.baseUrl)}/api/feed/ws?${new URLSearchParams({ token: await readToken(options.token) })}`,
    onText: (text) => {
      const data = safeJson(text);
      const job = FeedJobMessage.safeParse(data);
      if (job.success) options.onMessage(job.data);
      else options.onOtherMessage?.(data);
    },
    onConnection: (state) => options.onConnection?.(state),
  });
}
