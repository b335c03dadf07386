/**
 * A reconnecting WebSocket (partysocket) with backoff, keep-alive pings and a
 * connection state a UI can show: connecting, live, reconnecting, offline.
 * The URL is rebuilt on every reconnect, so it can carry a fresh token and
 * the last seq seen.
 */
import ReconnectingWebSocket from "partysocket/ws";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export interface LiveSocketOptions {
  /** Called before every (re)connect: the full ws:// or wss:// URL. */
  url: () => Promise<string>;
  /** Every text frame except the keep-alive's "pong". */
  onText: (text: string) => void;
  onConnection: (state: ConnectionState) => void;
}

/** Backoff: first retry after about 0.5-1 s, growing 1.5x to at most 10 s. */
const RECONNECT = {
  minReconnectionDelay: 500 + Math.random() * 500,
  maxReconnectionDelay: 10_000,
  reconnectionDelayGrowFactor: 1.5,
  connectionTimeout: 4000,
  // Nothing queued while closed: state is resynced from the URL on open.
  maxEnqueuedMessages: 0,
};
const PING_INTERVAL_MS = 25_000;

/** Turns a page-relative or http(s) base into the ws(s) origin. */
export function socketOrigin(baseUrl: string | undefined): string {
  const base = new URL(baseUrl ?? globalThis.location.origin, globalThis.location?.href);
  return `${base.protocol === "https:" ? "wss:" : "ws:"}//${base.host}`;
}

/** Opens the socket; call the returned function to close it for good. */
export function openLiveSocket(options: LiveSocketOptions): () => void {
  const socket = new ReconnectingWebSocket(options.url, [], RECONNECT);
  let everOpen = false;
  const offline = () => typeof navigator !== "undefined" && navigator.onLine === false;
  const report = () => {
    if (offline()) options.onConnection("offline");
    else if (socket.readyState === socket.OPEN) options.onConnection("live");
    else options.onConnection(everOpen ? "reconnecting" : "connecting");
  };
  socket.addEventListener("open", () => {
    everOpen = true;
    report();
  });
  socket.addEventListener("close", report);
  socket.addEventListener("message", (event) => {
    if (typeof event.data === "string" && event.data !== "pong") options.onText(event.data);
  });
  const ping = setInterval(() => {
    if (socket.readyState === socket.OPEN) socket.send("ping");
  }, PING_INTERVAL_MS);
  // Back online: a socket that looks open may have died silently, so connect afresh
  // (resuming from the last seq costs only the events missed).
  const onOnline = () => {
    report();
    socket.reconnect();
  };
  globalThis.addEventListener?.("online", onOnline);
  globalThis.addEventListener?.("offline", report);
  report();
  return () => {
    clearInterval(ping);
    globalThis.removeEventListener?.("online", onOnline);
    globalThis.removeEventListener?.("offline", report);
    socket.close(1000, "done");
  };
}
