/**
 * A token bucket: `capacity` tokens, refilled continuously at `perSecond`.
 * Pure, so the rule is tested apart from the object that keeps the bucket.
 *
 * A take may cost more than one token (a batch costs one per job): it needs
 * one token there, like any request, and then spends its whole cost, so the
 * bucket can go below zero and later takes wait until it has refilled.
 */
export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterSeconds: number };

/** Takes `cost` tokens at `now` (ms) when at least one is there, or says how long until one is. */
export function takeToken(bucket: Bucket | null, capacity: number, perSecond: number, now: number, cost = 1): Take {
  const elapsed = bucket ? Math.max(0, now - bucket.updatedAt) / 1000 : 0;
  const tokens = Math.min(capacity, (bucket?.tokens ?? capacity) + elapsed * perSecond);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - cost, updatedAt: now } };
  return {
    ok: false,
    bucket: { tokens, updatedAt: now },
    retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)),
  };
}
