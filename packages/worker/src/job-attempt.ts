/**
 * One attempt of one job, reported through its callback URL and token:
 * progress, heartbeat, log lines, a preview, upload, complete, fail, release.
 * Once `connect()` opened the channel (report-channel.ts), reports go over
 * it; otherwise, or when its upgrade fails, as HTTP callbacks. Any answer that
 * says the job was canceled throws JobCanceled, and `signal` is aborted the
 * moment the job is canceled (pushed over the channel). With a lease's
 * heartbeat timeout the HTTP callbacks retry transient failures for that long,
 * so a tracker that restarts meanwhile finds the same attempt carrying on.
 */
import {
  CallbackAnswer,
  ErrorBody,
  type CallbackCredentials,
  type CompleteReport,
  type ErrorReportRequest,
  type JsonValue,
  type ProgressReport,
  type ReleaseReport,
  sendWithRetry,
  type RetryListener,
  type RetryPolicy,
} from "@export-tracker/protocol";
import { JobCanceled, ProtocolError, transportError } from "./errors";
import { ReportChannel, type Report } from "./report-channel";

/**
 * What an attempt needs: the job (at least its id) and its callback credentials; a lease's
 * `heartbeat_timeout_seconds` is how long its callbacks keep retrying transient failures.
 */
export interface AttemptSource {
  job: { id: string; kind?: string; input?: JsonValue; attempt?: number };
  callback: CallbackCredentials;
  lease?: { heartbeat_timeout_seconds: number };
}

export interface AttemptOptions {
  retry: RetryPolicy;
  onRetry?: RetryListener;
}

/** Turns a refusal's answer into a ProtocolError naming its code. */
export function refusal(what: string, status: number, body: unknown): ProtocolError {
  const parsed = ErrorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : null;
  const message = parsed.success ? parsed.data.error.message : JSON.stringify(body);
  return new ProtocolError(`${what}: HTTP ${status} ${code ?? ""} ${message}`.trim(), status, code);
}

export class JobAttempt {
  /** Set once complete(), fail() or release() was accepted. */
  finished = false;
  private channel: ReportChannel | null = null;
  private readonly canceled = new AbortController();
  /** The retry policy of its callbacks: patient for the job's heartbeat timeout. */
  private readonly retry: RetryPolicy;

  constructor(
    readonly lease: AttemptSource,
    private readonly options: AttemptOptions,
  ) {
    const patienceMs = Math.max(options.retry.patienceMs ?? 0, (lease.lease?.heartbeat_timeout_seconds ?? 0) * 1000);
    this.retry = { ...options.retry, patienceMs };
  }

  get jobId(): string {
    return this.lease.job.id;
  }

  /** Aborted the moment the job is known to be canceled (its reason a JobCanceled): stop the work. */
  get signal(): AbortSignal {
    return this.canceled.signal;
  }

  /** Whether reports go over the channel. */
  get onChannel(): boolean {
    return this.channel !== null;
  }

  /**
   * Opens the channel (GET {callback.url}/ws); false, and HTTP callbacks from then on, when the
   * upgrade fails. Needs a WebSocket that takes headers (Node's does).
   */
  async connect(options: { onEvent?: (event: string, fields: Record<string, unknown>) => void } = {}): Promise<boolean> {
    const { url, token } = this.lease.callback;
    const channel = new ReportChannel({ url, token, patienceMs: this.retry.patienceMs, onEvent: options.onEvent });
    if (!(await channel.open())) return false;
    channel.signal.addEventListener("abort", () => this.canceled.abort(channel.signal.reason), { once: true });
    this.channel = channel;
    return true;
  }

  /** Closes the channel, if open. */
  close(): void {
    this.channel?.close();
  }

  /** Over the channel: the ack, as a callback answer. */
  private async viaChannel(report: Report): Promise<CallbackAnswer> {
    const ack = await this.channel!.send(report);
    return { ok: true, job_id: this.jobId, status: null, attempt: this.lease.callback.attempt, canceled: false, seq: ack.seq };
  }

  /** The channel when open, else HTTP; a JobCanceled aborts `signal` either way. */
  private report(report: Report, http: () => Promise<CallbackAnswer>): Promise<CallbackAnswer> {
    return this.guard(this.channel ? this.viaChannel(report) : http());
  }

  private guard(answer: Promise<CallbackAnswer>): Promise<CallbackAnswer> {
    return answer.catch((err: unknown) => {
      if (err instanceof JobCanceled) this.canceled.abort(err);
      throw err;
    });
  }

  private async call(name: string, init: () => RequestInit, query = ""): Promise<CallbackAnswer> {
    const { url, token } = this.lease.callback;
    const what = `${name} ${this.jobId}`;
    const send = () => {
      const base = init();
      return { ...base, headers: { authorization: `Bearer ${token}`, ...(base.headers as Record<string, string>) } };
    };
    const res = await sendWithRetry(what, `${url}/${name}${query}`, send, this.retry, this.options.onRetry, transportError);
    const json: unknown = await res.json().catch(() => null);
    const answer = CallbackAnswer.safeParse(json);
    if (answer.success && answer.data.canceled) throw new JobCanceled(`job ${this.jobId} was canceled`);
    if (!res.ok || !answer.success) throw refusal(what, res.status, json);
    return answer.data;
  }

  private postJson(name: string, body: unknown): Promise<CallbackAnswer> {
    const text = JSON.stringify(body);
    return this.call(name, () => ({ method: "POST", headers: { "content-type": "application/json" }, body: text }));
  }

  /** Either `{ percent }` or `{ done, total }`, with an optional stage and message. */
  progress(report: ProgressReport): Promise<CallbackAnswer> {
    return this.report({ type: "progress", ...report }, () => this.postJson("progress", report));
  }

  /** Log lines for the job's page (1-100 a call, each cut at 2 KiB). */
  log(lines: string[]): Promise<CallbackAnswer> {
    return this.report({ type: "log", lines }, () => this.postJson("log", { lines }));
  }

  /** Shows `bytes` (PNG, JPEG, WebP or GIF, at most 512 KiB) as the job's newest preview frame (always HTTP). */
  preview(body: Uint8Array | ArrayBuffer, contentType: string, frame?: string): Promise<CallbackAnswer> {
    const bytes = new Uint8Array(body);
    const query = frame === undefined ? "" : `?frame=${encodeURIComponent(frame)}`;
    const headers = { "content-type": contentType, "content-length": String(bytes.byteLength) };
    return this.guard(this.call("preview", () => ({ method: "PUT", headers, body: bytes }), query));
  }

  /** Says "still alive" during quiet work; every other callback counts as one too. */
  heartbeat(): Promise<CallbackAnswer> {
    return this.report({ type: "heartbeat" }, () => this.call("heartbeat", () => ({ method: "POST" })));
  }

  /** Uploads the output in one PUT with its Content-Length (bytes or text). */
  upload(body: Uint8Array | ArrayBuffer | string, contentType: string, filename?: string): Promise<CallbackAnswer> {
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body);
    const query = filename === undefined ? "" : `?filename=${encodeURIComponent(filename)}`;
    const headers = { "content-type": contentType, "content-length": String(bytes.byteLength) };
    return this.call("output", () => ({ method: "PUT", headers, body: bytes }), query);
  }

  async complete(report: CompleteReport = {}): Promise<CallbackAnswer> {
    const answer = await this.report({ type: "complete", ...report }, () => this.postJson("complete", report));
    this.finished = true;
    return answer;
  }

  /** Reports a failure; `retryable` puts the job back in the queue as a new attempt while attempts remain. */
  async fail(report: ErrorReportRequest): Promise<CallbackAnswer> {
    const answer = await this.report({ type: "error", ...report }, () => this.postJson("error", report));
    this.finished = true;
    return answer;
  }

  /** Hands the job back (e.g. on SIGTERM): queued again at once for another worker, costing no attempt. */
  async release(report: ReleaseReport = {}): Promise<CallbackAnswer> {
    const answer = await this.postJson("release", report);
    this.finished = true;
    return answer;
  }

  /** Heartbeats every `everyMs` until the returned function is called (errors are left to the next callback). */
  keepAlive(everyMs: number): () => void {
    const timer = setInterval(() => void this.heartbeat().catch(() => {}), everyMs);
    return () => clearInterval(timer);
  }
}
