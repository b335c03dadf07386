/**
 * fetch with retries, shared by the worker SDK and the backend client:
 * network errors, 5xx, 408 and 429 are retried with exponential backoff and
 * jitter; every other answer is returned as it is. fetch and timers only.
 */

export interface RetryPolicy {
  /** Tries per request, the first included. */
  tries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A try without an answer by then is abandoned and counts as a network error. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 5, baseDelayMs: 250, maxDelayMs: 5000, timeoutMs: 30_000 };

/** Called before each retry, for logs. */
export type RetryListener = (what: string, attempt: number, reason: string) => void;

const isTransient = (status: number) => status >= 500 || status === 429 || status === 408;

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

/** Sends `init()` (called anew for each try) until an answer that is not transient, or the tries run out. */
export async function sendWithRetry(
  what: string,
  url: string,
  init: () => RequestInit,
  policy: RetryPolicy,
  onRetry?: RetryListener,
  giveUp: (message: string) => Error = (message) => new Error(message),
): Promise<Response> {
  for (let n = 1; ; n++) {
    let reason: string;
    const request = init();
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      const res = await fetch(url, { ...request, signal });
      if (!isTransient(res.status)) return res;
      reason = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (err) {
      if (request.signal?.aborted) throw err;
      if (timeout.aborted) reason = `no answer within ${policy.timeoutMs} ms`;
      else reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    }
    if (n >= policy.tries) throw giveUp(`${what}: gave up after ${n} tries (${reason})`);
    onRetry?.(what, n, reason);
    await sleep(backoffMs(n, policy), request.signal ?? undefined);
  }
}
