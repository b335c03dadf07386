/**
 * fetch with retries, shared by the worker SDK and the backend client:
 * network errors, 5xx, 408 and 429 are retried with exponential backoff and
 * jitter, and so is a success without a JSON body (every answer of the
 * tracker is JSON or 204: that one came from something in between, e.g.
 * `wrangler dev` while it restarts); every other answer is returned as it
 * is. fetch and timers only.
 */

export interface RetryPolicy {
  /** Tries per request, the first included. */
  tries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A try without an answer by then is abandoned and counts as a network error. */
  timeoutMs: number;
  /**
   * Keep retrying past `tries` until this long since the first try (0 by default). An attempt's
   * callbacks use its heartbeat timeout: until then the attempt is still the tracker's current one.
   */
  patienceMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 5, baseDelayMs: 250, maxDelayMs: 5000, timeoutMs: 30_000 };

/** Called before each retry, for logs. */
export type RetryListener = (what: string, attempt: number, reason: string) => void;

const isTransient = (status: number) => status >= 500 || status === 429 || status === 408;
/** A success whose body is not JSON is not the tracker's answer: a proxy in between. */
const notTheTrackers = (res: Response) =>
  res.ok && res.status !== 204 && !/^application\/json\b/i.test(res.headers.get("content-type") ?? "");

/** Backoff before retry `n` (1-based): base, 2x, 4x... capped, with up to 25% jitter. */
export function backoffMs(n: number, policy: RetryPolicy, random = Math.random): number {
  const ms = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  return Math.round(ms * (1 + random() * 0.25));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Sends `init()` (called anew for each try) until an answer that is not transient, or the tries
 * run out and the policy's `patienceMs` has passed since the first try.
 */
export async function sendWithRetry(
  what: string,
  url: string,
  init: () => RequestInit,
  policy: RetryPolicy,
  onRetry?: RetryListener,
  giveUp: (message: string) => Error = (message) => new Error(message),
): Promise<Response> {
  const started = Date.now();
  for (let n = 1; ; n++) {
    let reason: string;
    const request = init();
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      const res = await fetch(url, { ...request, signal });
      if (!isTransient(res.status) && !notTheTrackers(res)) return res;
      reason = `HTTP ${res.status}${isTransient(res.status) ? "" : " without a JSON body"}`;
      await res.body?.cancel();
    } catch (err) {
      if (request.signal?.aborted) throw err;
      if (timeout.aborted) reason = `no answer within ${policy.timeoutMs} ms`;
      else reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    }
    const elapsed = Date.now() - started;
    if (n >= policy.tries && elapsed >= (policy.patienceMs ?? 0)) throw giveUp(`${what}: gave up after ${n} tries in ${elapsed} ms (${reason})`);
    onRetry?.(what, n, reason);
    await sleep(backoffMs(n, policy), request.signal ?? undefined);
  }
}
