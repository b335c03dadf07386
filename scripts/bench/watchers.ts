/**
 * WebSocket watchers of a job's feed: each keeps every frame with the time it
 * arrived and parses them against the protocol on demand; `drain` waits for
 * all of them to receive the last event.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { ServerMessage } from "../../workers/protocol";
import { Stop } from "../lib/api-client";
import { keyOf } from "./percent";
import { TimeUp } from "./time-limit";

/** How long watchers may take to receive the last event once it was sent. */
const DRAIN_WAIT_MS = 10_000;
const SOCKET_CLOSE_WAIT_MS = 1_000;

interface Frame {
  at: number;
  data: string;
}

/** A frame checked against the protocol: its message, or null when it does not fit. */
export interface Received {
  at: number;
  message: ServerMessage | null;
}

/** One WebSocket on a job's feed, keeping every frame with the time it arrived. */
export class Watcher {
  readonly frames: Frame[] = [];
  /** The close code and reason, once the socket closed. */
  closed: string | null = null;
  /** Resolves with the first frame (the snapshot): the object has accepted the socket. */
  readonly ready: Promise<void>;
  private readonly ws: WebSocket;
  private parsed: Received[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ready = new Promise<void>((resolve, reject) => {
      this.ws.addEventListener("message", (event) => {
        const at = performance.now(); // first, so nothing below delays the stamp
        this.frames.push({ at, data: typeof event.data === "string" ? event.data : "" });
        resolve();
      });
      this.ws.addEventListener("close", (event) => {
        this.closed = `${event.code} ${event.reason}`.trim();
        reject(new Stop(`watcher on ${url} closed before its snapshot (${this.closed})`, 1));
      });
      this.ws.addEventListener("error", () => reject(new Stop(`watcher on ${url}: connection failed`, 1)));
    });
    this.ready.catch(() => {}); // reported by whoever awaits it
  }

  /** The frames so far, each checked against the protocol (null when it does not fit). */
  messages(): readonly Received[] {
    for (const frame of this.frames.slice(this.parsed.length)) {
      let json: unknown = null;
      try {
        json = JSON.parse(frame.data);
      } catch {
        // Counted by the delivery check as an invalid frame.
      }
      const result = ServerMessage.safeParse(json);
      this.parsed.push({ at: frame.at, message: result.success ? result.data : null });
    }
    return this.parsed;
  }

  /** Whether a `job:progress` at `key` (hundredths of a percent) has arrived. */
  sawProgress(key: number): boolean {
    return this.messages().some(({ message }) => message?.type === "job:progress" && keyOf(message.job.progress.percent) === key);
  }

  /** Closes the socket and waits, briefly, for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.addEventListener("close", () => resolve(), { once: true }));
    try {
      this.ws.close(1000, "bench done");
    } catch {
      // Already closing.
    }
    await Promise.race([closed, sleep(SOCKET_CLOSE_WAIT_MS, undefined, { ref: false })]);
  }
}

/** Waits until every watcher has the event of `lastKey` (or closed), for at most DRAIN_WAIT_MS. */
export async function drain(watchers: Watcher[], lastKey: number, limit: AbortSignal): Promise<void> {
  const until = performance.now() + DRAIN_WAIT_MS;
  while (performance.now() < until && !watchers.every((w) => w.closed !== null || w.sawProgress(lastKey))) {
    if (limit.aborted) throw new TimeUp();
    await sleep(5);
  }
}
