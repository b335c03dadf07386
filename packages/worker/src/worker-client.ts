/**
 * The worker's client of the tracker: lease a job (pull mode) with a worker
 * key, run attempts through their callbacks, or let `work()` run the whole
 * lease loop. Only fetch and timers are used, so it runs in Node, Bun, Deno
 * and Workers.
 */
import {
  DEFAULT_RETRY,
  LeaseResponse,
  sendWithRetry,
  sleep,
  type LeaseRequest,
  type RetryListener,
  type RetryPolicy,
} from "@export-tracker/protocol";
import { JobCanceled, JobFailed, ProtocolError, transportError } from "./errors";
import { JobAttempt, refusal, type AttemptSource } from "./job-attempt";

export interface WorkerClientOptions {
  /** The tracker, e.g. "https://tracker.example.com". */
  baseUrl: string;
  /** A worker key (wk_...): the client leases its owner's jobs only. */
  workerKey: string;
  /** A name for the tracker's logs, e.g. the host name. */
  worker: string;
  retry?: Partial<RetryPolicy>;
  onRetry?: RetryListener;
}

/** What `work()` does with each leased attempt; return to complete it (unless it was completed or failed already). */
export type JobHandler = (attempt: JobAttempt, lease: LeaseResponse) => Promise<void>;

export interface WorkOptions extends Omit<LeaseRequest, "worker"> {
  /** Abort to stop leasing; the job in hand is finished first. */
  signal?: AbortSignal;
  /** Called with each job's end and each lease error, for logs. */
  onEvent?: (event: WorkEvent) => void;
  /** false: HTTP callbacks only; by default each attempt reports over its channel when it opens. */
  channel?: boolean;
}

export type WorkEvent =
  | { type: "completed" | "canceled"; jobId: string }
  | { type: "failed"; jobId: string; error: string; retryable: boolean }
  | { type: "lease_error"; error: string };

/** Pause after a lease that failed for a reason other than a refused key. */
const LEASE_ERROR_PAUSE_MS = 2000;

export class WorkerClient {
  private readonly baseUrl: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: WorkerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Long-polls for the next job (up to `wait_seconds`, 25 by default); null when none came. */
  async lease(request: Omit<LeaseRequest, "worker"> = {}, signal?: AbortSignal): Promise<LeaseResponse | null> {
    const body = JSON.stringify({ worker: this.options.worker, ...request });
    const init = () => ({
      method: "POST",
      headers: { authorization: `Bearer ${this.options.workerKey}`, "content-type": "application/json" },
      body,
      signal,
    });
    // A long-poll may take its whole wait before it answers.
    const policy = { ...this.retry, timeoutMs: this.retry.timeoutMs + (request.wait_seconds ?? 25) * 1000 };
    const res = await sendWithRetry("lease", `${this.baseUrl}/api/worker/lease`, init, policy, this.options.onRetry, transportError);
    if (res.status === 204) return null;
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) throw refusal("lease", res.status, json);
    return LeaseResponse.parse(json);
  }

  /** The callbacks of one attempt: a lease, or any `{ job: { id }, callback }` (push and external jobs too). */
  attempt(source: AttemptSource): JobAttempt {
    return new JobAttempt(source, { retry: this.retry, onRetry: this.options.onRetry });
  }

  /**
   * The lease loop: lease, run `handler` with heartbeats in the background,
   * complete when it returns, repeat until `signal` aborts. A handler that
   * throws fails the attempt (retryable, unless it threw `JobFailed` saying
   * otherwise); JobCanceled just moves on. A refused worker key (401/403) ends the loop with its error.
   */
  async work(options: WorkOptions, handler: JobHandler): Promise<void> {
    const { signal, onEvent, channel, ...request } = options;
    while (!signal?.aborted) {
      let lease: LeaseResponse | null;
      try {
        lease = await this.lease(request, signal);
      } catch (err) {
        if (signal?.aborted) return;
        if (err instanceof ProtocolError && (err.status === 401 || err.status === 403)) throw err;
        onEvent?.({ type: "lease_error", error: String(err) });
        await sleep(LEASE_ERROR_PAUSE_MS, signal);
        continue;
      }
      if (lease) onEvent?.(await this.runOne(lease, handler, channel !== false));
    }
  }

  private async runOne(lease: LeaseResponse, handler: JobHandler, channel: boolean): Promise<WorkEvent> {
    const attempt = this.attempt(lease);
    const jobId = lease.job.id;
    // The channel when it opens; HTTP callbacks otherwise.
    if (channel && !lease.canceled) await attempt.connect();
    const stopBeats = attempt.keepAlive(Math.max(1000, (lease.lease.heartbeat_timeout_seconds * 1000) / 3));
    try {
      if (lease.canceled) throw new JobCanceled(`job ${jobId} was canceled`);
      await handler(attempt, lease);
      if (!attempt.finished) await attempt.complete();
      return { type: "completed", jobId };
    } catch (err) {
      if (err instanceof JobCanceled) return { type: "canceled", jobId };
      const retryable = err instanceof JobFailed ? err.retryable : true;
      const error = err instanceof Error ? err.message : String(err);
      if (!attempt.finished) await attempt.fail({ error, retryable }).catch(() => {});
      return { type: "failed", jobId, error, retryable };
    } finally {
      stopBeats();
      attempt.close();
    }
  }
}
