/**
 * A small typed client of the tracker's GPU-worker protocol, for the
 * reference agent and for your own workers: lease a job (pull mode), then
 * report on the attempt through its callbacks. Only `fetch` and timers are
 * used, so it runs in Node 18+, Deno, Bun and Workers.
 *
 *   const client = new WorkerClient({ baseUrl, workerKey, worker: "gpu-01" });
 *   const lease = await client.lease({ kinds: ["gif.render"] });   // null: nothing came in 25 s
 *   if (lease) {
 *     const attempt = client.attempt(lease);
 *     await attempt.connect();                                          // the channel; HTTP when it cannot open
 *     await attempt.progress({ done: 1, total: 10, stage: "render" });  // throws JobCanceled when canceled
 *     await attempt.log(["frame 1 rendered"]);
 *     await attempt.preview(png, "image/png", "frame 1");
 *     await attempt.upload(bytes, "image/gif", "out.gif");
 *     await attempt.complete();
 *     attempt.close();
 *   }
 *
 * Reports go over the channel (report-channel.ts) once `connect()` opened it,
 * else as HTTP callbacks. `attempt.signal` is aborted the moment the job is
 * canceled (pushed over the channel). HTTP transient failures (network errors,
 * 5xx, 429) are retried with exponential backoff; any answer that says
 * `canceled` throws JobCanceled: stop working.
 */
import { JobCanceled, ReportChannel, type Ack } from "./report-channel";
import { CallbackAnswer, ErrorBody, LeaseResponse, type CompleteReport, type ErrorReport, type LeaseRequest, type ProgressReport } from "../../workers/protocol";

export type { LeaseResponse } from "../../workers/protocol";

export { JobCanceled, ReportRefused } from "./report-channel";

/** The tracker refused a request for good (4xx other than 429), or retries ran out. */
export class ProtocolError extends Error {
  constructor(message: string, readonly status: number | null, readonly code: string | null) {
    super(message);
  }
}

export interface RetryPolicy {
  /** Tries per request, the first included. */
  tries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface WorkerClientOptions {
  baseUrl: string;
  workerKey: string;
  /** A name for the tracker's logs, e.g. the host name. */
  worker: string;
  retry?: Partial<RetryPolicy>;
  /** Called before each retry, for logs. */
  onRetry?: (what: string, attempt: number, reason: string) => void;
}

const DEFAULT_RETRY: RetryPolicy = { tries: 5, baseDelayMs: 250, maxDelayMs: 5000 };
const isTransient = (status: number) => status >= 500 || status === 429 || status === 408;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Backoff before retry `n` (1-based): base, 2x, 4x... capped, with up to 25% jitter. */
export function backoffMs(n: number, policy: RetryPolicy, random = Math.random): number {
  const ms = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  return Math.round(ms * (1 + random() * 0.25));
}

export class WorkerClient {
  private readonly baseUrl: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: WorkerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** fetch with retries of transient failures; answers other than those are returned as they are. */
  async send(what: string, url: string, init: () => RequestInit): Promise<Response> {
    for (let n = 1; ; n++) {
      let reason: string;
      try {
        const res = await fetch(url, init());
        if (!isTransient(res.status)) return res;
        reason = `HTTP ${res.status}`;
        await res.body?.cancel();
      } catch (err) {
        if (init().signal?.aborted) throw err;
        reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      }
      if (n >= this.retry.tries) throw new ProtocolError(`${what}: gave up after ${n} tries (${reason})`, null, null);
      this.options.onRetry?.(what, n, reason);
      await sleep(backoffMs(n, this.retry));
    }
  }

  /** Long-polls for the next job (up to `wait_seconds`, 25 by default); null when none came. */
  async lease(request: Omit<LeaseRequest, "worker"> = {}, signal?: AbortSignal): Promise<LeaseResponse | null> {
    const body = JSON.stringify({ worker: this.options.worker, ...request });
    const res = await this.send("lease", `${this.baseUrl}/api/worker/lease`, () => ({
      method: "POST",
      headers: { authorization: `Bearer ${this.options.workerKey}`, "content-type": "application/json" },
      body,
      signal,
    }));
    if (res.status === 204) return null;
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) throw refusal("lease", res.status, json);
    return LeaseResponse.parse(json);
  }

  /** The callbacks of one leased attempt. */
  attempt(lease: Pick<LeaseResponse, "job" | "callback">): JobAttempt {
    return new JobAttempt(this, lease);
  }
}

function refusal(what: string, status: number, body: unknown): ProtocolError {
  const parsed = ErrorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : null;
  const message = parsed.success ? parsed.data.error.message : JSON.stringify(body);
  return new ProtocolError(`${what}: HTTP ${status} ${code ?? ""} ${message}`.trim(), status, code);
}

/** One attempt of one job, reported through its callback URL and token. */
export class JobAttempt {
  private channel: ReportChannel | null = null;
  private readonly canceled = new AbortController();

  constructor(
    private readonly client: WorkerClient,
    readonly lease: Pick<LeaseResponse, "job" | "callback">,
  ) {}

  get jobId(): string {
    return this.lease.job.id;
  }

  /** Aborted the moment the job is known to be canceled: stop the work. */
  get signal(): AbortSignal {
    return this.canceled.signal;
  }

  /** Whether reports go over the channel. */
  get onChannel(): boolean {
    return this.channel !== null;
  }

  /** Opens the channel; false (and HTTP callbacks from then on) when the upgrade fails. */
  async connect(options: { onEvent?: (event: string, fields: Record<string, unknown>) => void } = {}): Promise<boolean> {
    const channel = new ReportChannel({ url: this.lease.callback.url, token: this.lease.callback.token, onEvent: options.onEvent });
    if (!(await channel.open())) return false;
    channel.signal.addEventListener("abort", () => this.canceled.abort(channel.signal.reason), { once: true });
    this.channel = channel;
    return true;
  }

  close(): void {
    this.channel?.close();
  }

  /** Over the channel: the ack as a callback answer. */
  private async viaChannel(report: Parameters<ReportChannel["send"]>[0]): Promise<CallbackAnswer> {
    const ack: Ack = await this.channel!.send(report);
    return { ok: true, job_id: this.jobId, status: null, attempt: this.lease.callback.attempt, canceled: false, seq: ack.seq };
  }

  private guard<T>(answer: Promise<T>): Promise<T> {
    return answer.catch((err: unknown) => {
      if (err instanceof JobCanceled) this.canceled.abort(err);
      throw err;
    });
  }

  private async call(name: string, init: () => RequestInit, query = ""): Promise<CallbackAnswer> {
    const { url, token } = this.lease.callback;
    const res = await this.client.send(`${name} ${this.jobId}`, `${url}/${name}${query}`, () => {
      const base = init();
      return { ...base, headers: { authorization: `Bearer ${token}`, ...(base.headers as Record<string, string>) } };
    });
    const json: unknown = await res.json().catch(() => null);
    const answer = CallbackAnswer.safeParse(json);
    if (answer.success && answer.data.canceled) throw new JobCanceled(`job ${this.jobId} was canceled`);
    if (!res.ok || !answer.success) throw refusal(`${name} ${this.jobId}`, res.status, json);
    return answer.data;
  }

  private postJson(name: string, body: unknown): Promise<CallbackAnswer> {
    const text = JSON.stringify(body);
    return this.call(name, () => ({ method: "POST", headers: { "content-type": "application/json" }, body: text }));
  }

  progress(report: ProgressReport): Promise<CallbackAnswer> {
    return this.guard(this.channel ? this.viaChannel({ type: "progress", ...report }) : this.postJson("progress", report));
  }

  heartbeat(): Promise<CallbackAnswer> {
    return this.guard(this.channel ? this.viaChannel({ type: "heartbeat" }) : this.call("heartbeat", () => ({ method: "POST" })));
  }

  /** Log lines for the job's page (each cut at 2 KiB; at most 100 a call). */
  log(lines: string[]): Promise<CallbackAnswer> {
    return this.guard(this.channel ? this.viaChannel({ type: "log", lines }) : this.postJson("log", { lines }));
  }

  /** Shows `bytes` (PNG, JPEG, WebP or GIF, at most 512 KiB) as the job's newest preview frame. */
  preview(bytes: Uint8Array, contentType: string, frame?: string): Promise<CallbackAnswer> {
    const query = frame === undefined ? "" : `?frame=${encodeURIComponent(frame)}`;
    const headers = { "content-type": contentType, "content-length": String(bytes.byteLength) };
    const body = new Uint8Array(bytes);
    return this.guard(this.call("preview", () => ({ method: "PUT", headers, body }), query));
  }

  /** Uploads the output (one PUT with Content-Length). */
  upload(bytes: Uint8Array, contentType: string, filename?: string): Promise<CallbackAnswer> {
    const query = filename === undefined ? "" : `?filename=${encodeURIComponent(filename)}`;
    const headers = { "content-type": contentType, "content-length": String(bytes.byteLength) };
    const body = new Uint8Array(bytes);
    return this.call("output", () => ({ method: "PUT", headers, body }), query);
  }

  complete(report: CompleteReport = {}): Promise<CallbackAnswer> {
    return this.guard(this.channel ? this.viaChannel({ type: "complete", ...report }) : this.postJson("complete", report));
  }

  /** Reports a failure; `retryable` puts the job back in the queue as a new attempt while attempts remain. */
  fail(report: ErrorReport): Promise<CallbackAnswer> {
    return this.guard(this.channel ? this.viaChannel({ type: "error", ...report }) : this.postJson("error", report));
  }
}
