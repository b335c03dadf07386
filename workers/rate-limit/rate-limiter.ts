/**
 * RateLimiter: one Durable Object per limited key (e.g. an API key's job
 * creations), so every Worker instance sees the same bucket. The bucket is
 * kept in the object's storage and survives eviction.
 */
import { DurableObject } from "cloudflare:workers";
import { takeToken, type Bucket } from "./token-bucket";

export class RateLimiter extends DurableObject<Env> {
  /** Takes `cost` tokens (see token-bucket.ts); answers how long to wait when there is none. */
  async take(capacity: number, perSecond: number, cost = 1): Promise<{ ok: boolean; retryAfterSeconds: number }> {
    const bucket = (await this.ctx.storage.get<Bucket>("bucket")) ?? null;
    const result = takeToken(bucket, capacity, perSecond, Date.now(), cost);
    await this.ctx.storage.put("bucket", result.bucket);
    return { ok: result.ok, retryAfterSeconds: result.ok ? 0 : result.retryAfterSeconds };
  }
}
