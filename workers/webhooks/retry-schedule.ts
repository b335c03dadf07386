/**
 * When a failed delivery is tried again: 5 s, 5 min, 30 min, 2 h, 5 h and
 * 10 h after each failure (about 18 h in all, the first retry within about
 * 10 s), each spread by up to ±10% so that an endpoint that comes back is
 * not hit by every retry at once; after the seventh attempt the delivery is
 * dead. Also when an endpoint that keeps failing is disabled.
 */

/** Seconds to wait after failed attempt n (n = 1 is the first attempt). */
export const RETRY_DELAYS_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600] as const;
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
const JITTER = 0.1;

/**
 * Seconds to wait before the attempt after failed attempt `attempt`, or null
 * when the budget is spent. `random` is in [0, 1) (Math.random in production).
 */
export function retryDelaySeconds(attempt: number, random: number): number | null {
  const base = RETRY_DELAYS_SECONDS[attempt - 1];
  if (base === undefined) return null;
  return Math.max(1, Math.round(base * (1 - JITTER + 2 * JITTER * random)));
}

/** An endpoint whose every attempt has failed for this long is disabled (its owner re-enables it with PATCH). */
export const DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

/** Whether an endpoint failing since `failingSince` should be disabled at `now`. */
export function shouldDisable(failingSince: number | null, now: number): boolean {
  return failingSince !== null && now - failingSince >= DISABLE_AFTER_MS;
}

/** Log rows (deliveries and their attempts) are dropped after this long. */
export const LOG_RETENTION_MS = 30 * 24 * 3600 * 1000;
