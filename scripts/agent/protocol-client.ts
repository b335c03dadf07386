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
 *     await attempt.progress({ done: 1, total: 10, stage: "render" });  // throws JobCanceled when canceled
 *     await attempt.upload(bytes, "image/gif", "out.gif");
 *     await attempt.complete();
 *   }
 *
 * Transient failures (network errors, 5xx, 429) are retried with exponential
 * backoff: 5 tries, and an attempt's callbacks go on for as long as the job's
 * heartbeat timeout (the lease's `heartbeat_timeout_seconds`), so a tracker
 * that restarts meanwhile finds the same attempt carrying on. Any answer that
 * says `canceled` throws JobCanceled: stop working.
 */
import {
  CallbackAnswer,
  ErrorBody,
  LeaseResponse,
  type CompleteReport,
  type ErrorReport,
  type LeaseRequest,
  type ProgressReport,
  type ReleaseReport,
} from "../../workers/protocol";

export type { LeaseResponse } from "../../workers/protocol";

/** The job was canceled (or finished elsewhere): stop working on it. */
export class JobCanceled extends Error {}

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
/**
 * A success with a body that is not JSON is not the tracker's answer (every one is JSON): a
 * proxy in between, e.g. `wrangler dev` while it shuts down. Retried like a 5xx.
 */
const notTheTrackers = (res: Response) =>
  res.ok && res.status !== 204 && !/^application\/json\b/i.test(res.headers.get("content-type") ?? "");
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

  /**
   * fetch with retries of transient failures; answers other than those are returned as they are.
   * It gives up after the policy's tries, but not before `patienceMs` have passed since the first
   * try (an attempt's heartbeat timeout: until then the attempt is still the tracker's current one).
   */
  async send(what: string, url: string, init: () => RequestInit, patienceMs = 0): Promise<Response> {
    const started = Date.now();
    for (let n = 1; ; n++) {
      let reason: string;
      try {
        const res = await fetch(url, init());
        if (!isTransient(res.status) && !notTheTrackers(res)) return res;
        reason = `HTTP ${res.status}${isTransient(res.status) ? "" : " without a JSON body"}`;
        await res.body?.cancel();
      } catch (err) {
        if (init().signal?.aborted) throw err;
        reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      }
      if (n >= this.retry.tries && Date.now() - started >= patienceMs) {
        throw new ProtocolError(`${what}: gave up after ${n} tries in ${Date.now() - started} ms (${reason})`, null, null);
      }
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

  /** The callbacks of one leased attempt (with the lease's heartbeat timeout, they ride out a tracker restart). */
  attempt(lease: AttemptLease): JobAttempt {
    return new JobAttempt(this, lease);
  }
}

function refusal(what: string, status: number, body: unknown): ProtocolError {
  const parsed = ErrorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : null;
  const message = parsed.success ? parsed.data.error.message : JSON.stringify(body);
  return new ProtocolError(`${what}: HTTP ${status} ${code ?? ""} ${message}`.trim(), status, code);
}

/** What an attempt needs of its lease; `lease.heartbeat_timeout_seconds` is how long its callbacks keep retrying. */
export type AttemptLease = Pick<LeaseResponse, "job" | "callback"> & { lease?: Pick<LeaseResponse["lease"], "heartbeat_timeout_seconds"> };

/** One attempt of one job, reported through its callback URL and token. */
export class JobAttempt {
  /** How long a callback keeps retrying transient failures: the job's heartbeat timeout. */
  private readonly patienceMs: number;

  constructor(
    private readonly client: WorkerClient,
    readonly lease: AttemptLease,
  ) {
    this.patienceMs = (lease.lease?.heartbeat_timeout_seconds ?? 0) * 1000;
  }

  get jobId(): string {
    return this.lease.job.id;
  }

  private async call(name: string, init: () => RequestInit, query = ""): Promise<CallbackAnswer> {
    const { url, token } = this.lease.callback;
    const res = await this.client.send(`${name} ${this.jobId}`, `${url}/${name}${query}`, () => {
      const base = init();
      return { ...base, headers: { authorization: `Bearer ${token}`, ...(base.headers as Record<string, string>) } };
    }, this.patienceMs);
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
    return this.postJson("progress", report);
  }

  heartbeat(): Promise<CallbackAnswer> {
    return this.call("heartbeat", () => ({ method: "POST" }));
  }

  /** Uploads the output (one PUT with Content-Length). */
  upload(bytes: Uint8Array, contentType: string, filename?: string): Promise<CallbackAnswer> {
    const query = filename === undefined ? "" : `?filename=${encodeURIComponent(filename)}`;
    const headers = { "content-type": contentType, "content-length": String(bytes.byteLength) };
    const body = new Uint8Array(bytes);
    return this.call("output", () => ({ method: "PUT", headers, body }), query);
  }

  complete(report: CompleteReport = {}): Promise<CallbackAnswer> {
    return this.postJson("complete", report);
  }

  /** Reports a failure; `retryable` puts the job back in the queue as a new attempt while attempts remain. */
  fail(report: ErrorReport): Promise<CallbackAnswer> {
    return this.postJson("error", report);
  }

  /** Hands the job back (e.g. on SIGTERM): queued again at once for another worker, costing no attempt. */
  release(report: ReleaseReport = {}): Promise<CallbackAnswer> {
    return this.postJson("release", report);
  }
}
