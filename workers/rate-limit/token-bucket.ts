/**
 * A token bucket: `capacity` tokens, refilled continuously at `perSecond`.
 * Pure, so the rule is tested apart from the object that keeps the bucket.
 */
export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterSeconds: number };

/** Takes one token at `now` (ms), or says how long until one is there. */
export function takeToken(bucket: Bucket | null, capacity: number, perSecond: number, now: number): Take {
  const elapsed = bucket ? Math.max(0, now - bucket.updatedAt) / 1000 : 0;
  const tokens = Math.min(capacity, (bucket?.tokens ?? capacity) + elapsed * perSecond);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, updatedAt: now } };
  return {
    ok: false,
    bucket: { tokens, updatedAt: now },
    retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)),
  };
}
