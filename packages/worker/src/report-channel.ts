/**
 * The worker side of the channel: one WebSocket per attempt to
 * `{callback.url}/ws` (the callback token as Authorization: Bearer), over
 * which reports go as flat JSON with an id and come back acked after commit.
 *
 * - Every report waits in `unacked` until its ack; after a reconnect they are
 *   sent again, in order, with the same ids, so nothing is lost or applied twice.
 * - `{type:"canceled"}` (or a `closing` that says the attempt is over) aborts
 *   `signal` at once and fails every waiting report with JobCanceled.
 * - When the upgrade fails (no channel on the server, a proxy in the way),
 *   `open()` answers false and the caller keeps to HTTP callbacks.
 */
import { CHANNEL_CLOSE, ChannelServerMessage, type ChannelReportInput } from "@export-tracker/protocol";
import { JobCanceled, ProtocolError } from "./errors";

/** The tracker refused a report over the channel (a ProtocolError with its code and no HTTP status). */
export class ReportRefused extends ProtocolError {
  override name = "ReportRefused";
  constructor(code: string, message: string) {
    super(`${code}: ${message}`, null, code);
  }
}

/** A report without its id (the channel numbers them). */
export type Report = ChannelReportInput extends infer R ? (R extends { id: string } ? Omit<R, "id"> : never) : never;

export interface Ack {
  id: string;
  seq: number;
}

interface Waiting {
  frame: string;
  resolve(ack: Ack): void;
  reject(err: Error): void;
}

export interface ReportChannelOptions {
  url: string;
  token: string;
  /** How long open() waits for the upgrade. */
  connectTimeoutMs?: number;
  /**
   * After a drop, how long to keep reconnecting past MAX_RECONNECTS tries (the attempt's heartbeat
   * timeout), so a tracker that restarts meanwhile finds the same attempt carrying on.
   */
  patienceMs?: number;
  /** Called on reconnects and drops, for logs. */
  onEvent?: (event: string, fields: Record<string, unknown>) => void;
}

const MAX_RECONNECTS = 8;
/** Node's WebSocket (undici) takes headers, which the DOM's type (seen by some tsconfigs) does not declare. */
const HeaderWebSocket = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket;
const ENDED_CODES = new Set<number>([CHANNEL_CLOSE.superseded, CHANNEL_CLOSE.finished, CHANNEL_CLOSE.canceled, CHANNEL_CLOSE.replaced]);

export class ReportChannel {
  private ws: WebSocket | null = null;
  private readonly unacked = new Map<string, Waiting>();
  private nextId = 1;
  private readonly prefix = Math.random().toString(36).slice(2, 8);
  private ended: Error | null = null;
  private closedByUs = false;
  private reconnects = 0;
  /** When the channel dropped, while it is reconnecting. */
  private droppedAt: number | null = null;
  private readonly controller = new AbortController();

  constructor(private readonly options: ReportChannelOptions) {}

  /** Aborted the moment the job is canceled or the attempt is over. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Connects; false when the upgrade failed (use HTTP callbacks instead). */
  open(): Promise<boolean> {
    return new Promise((resolve) => {
      const url = this.options.url.replace(/^http/, "ws") + "/ws";
      let ws: WebSocket;
      try {
        ws = new HeaderWebSocket(url, { headers: { authorization: `Bearer ${this.options.token}` } });
      } catch {
        // A runtime whose WebSocket takes no headers (workerd reads them as protocols): HTTP callbacks instead.
        return resolve(false);
      }
      const timer = setTimeout(() => {
        ws.close();
        resolve(false);
      }, this.options.connectTimeoutMs ?? 5000);
      ws.addEventListener("open", () => {
        clearTimeout(timer);
        this.ws = ws;
        this.reconnects = 0;
        this.droppedAt = null;
        // Whatever was sent before a drop goes again, same ids, in order.
        for (const waiting of this.unacked.values()) ws.send(waiting.frame);
        resolve(true);
      });
      ws.addEventListener("error", () => {
        clearTimeout(timer);
        resolve(false);
      });
      ws.addEventListener("message", (e) => this.onMessage(String(e.data)));
      ws.addEventListener("close", (e) => this.onClose(ws, e.code));
    });
  }

  /** Sends a report; resolves on its ack, rejects on its refusal or when the attempt ends. */
  send(report: Report): Promise<Ack> {
    if (this.ended) return Promise.reject(this.ended);
    const id = `${this.prefix}-${this.nextId++}`;
    const frame = JSON.stringify({ ...report, id });
    return new Promise<Ack>((resolve, reject) => {
      this.unacked.set(id, { frame, resolve, reject });
      if (this.isOpen) this.ws!.send(frame);
    });
  }

  /** Reports not yet acked, oldest first (their frames), e.g. to send over HTTP after giving up on the channel. */
  get pending(): number {
    return this.unacked.size;
  }

  close(): void {
    this.closedByUs = true;
    try {
      this.ws?.close(1000, "done");
    } catch {
      // Closed already.
    }
  }

  private onMessage(text: string): void {
    let parsed;
    try {
      parsed = ChannelServerMessage.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.type === "ack") {
      this.unacked.get(m.id)?.resolve({ id: m.id, seq: m.seq });
      this.unacked.delete(m.id);
    } else if (m.type === "refused") {
      if (m.id === null) return;
      const err = m.code === "job_canceled" ? new JobCanceled(m.message) : new ReportRefused(m.code, m.message);
      this.unacked.get(m.id)?.reject(err);
      this.unacked.delete(m.id);
    } else if (m.type === "canceled") {
      this.end(new JobCanceled("the job was canceled"));
    } else if (m.type === "closing") {
      if (m.code !== CHANNEL_CLOSE.finished) this.end(new JobCanceled(`the channel closed: ${m.reason}`));
      this.close();
    }
  }

  private end(err: Error): void {
    if (this.ended) return;
    this.ended = err;
    this.controller.abort(err);
    for (const waiting of this.unacked.values()) waiting.reject(err);
    this.unacked.clear();
  }

  private onClose(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.closedByUs || this.ended || ENDED_CODES.has(code)) return;
    this.reconnectLater(code);
  }

  /**
   * Dropped: reconnect with backoff (what was unacked is resent on open); give up after
   * MAX_RECONNECTS tries once `patienceMs` has passed since the drop.
   */
  private reconnectLater(code: number): void {
    this.droppedAt ??= Date.now();
    const patient = Date.now() - this.droppedAt < (this.options.patienceMs ?? 0);
    if (this.reconnects >= MAX_RECONNECTS && !patient) {
      return this.end(new ReportRefused("channel_lost", `the channel dropped (${code}) and ${this.reconnects} reconnects failed`));
    }
    const delay = Math.min(5000, 250 * 2 ** Math.min(this.reconnects++, 5));
    this.options.onEvent?.("channel.dropped", { code, retry_in_ms: delay, unacked: this.unacked.size });
    setTimeout(async () => {
      if (this.closedByUs || this.ended) return;
      if (!(await this.open())) this.reconnectLater(1006);
    }, delay);
  }
}
