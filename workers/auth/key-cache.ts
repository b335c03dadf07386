/**
 * API-key lookups, cached briefly in the isolate: a key that was found active is served from
 * memory for KEY_CACHE_TTL_MS (30 s) instead of a D1 read per request, so requests that need
 * nothing else from D1 keep working while it is slow or down. The price is a revocation delay:
 * a revoked key may still work for up to 30 s in an isolate that saw it just before. Unknown or
 * revoked keys are never cached (a new key works at once). The cache is only a saving: each
 * isolate has its own, and every entry expires on its own clock, so nothing depends on it.
 */
import { findActiveKey } from "../db/api-keys";
import { guardD1 } from "../db/d1-guard";
import type { ApiKeyRow } from "../db/schema";
import { hashApiKey } from "./api-keys";

/** How long a found key is trusted without asking D1 again: the documented revocation delay. */
export const KEY_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 1_000;

/** A small TTL map from key hash to its row; the oldest entry goes when it is full. */
export class KeyCache {
  private readonly entries = new Map<string, { row: ApiKeyRow; until: number }>();

  constructor(private readonly ttlMs = KEY_CACHE_TTL_MS, private readonly maxEntries = MAX_ENTRIES) {}

  /** The active key with `hash`: from the cache while fresh at `now`, else from `lookup` (and cached when found). */
  async get(hash: string, now: number, lookup: (hash: string) => Promise<ApiKeyRow | undefined>): Promise<ApiKeyRow | undefined> {
    const hit = this.entries.get(hash);
    if (hit && hit.until > now) return hit.row;
    this.entries.delete(hash);
    const row = await lookup(hash);
    if (row) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(hash, { row, until: now + this.ttlMs });
    }
    return row;
  }
}

// One per isolate, on purpose (see the header): a saving, never a source of truth.
const isolateCache = new KeyCache();

/** The active API key behind `credential` (any role), through the isolate's cache and a bounded D1 wait. */
export async function findActiveKeyCached(d1: D1Database, credential: string, d1TimeoutMs: number): Promise<ApiKeyRow | undefined> {
  return isolateCache.get(await hashApiKey(credential), Date.now(), (hash) =>
    guardD1("api_keys.find", d1TimeoutMs, () => findActiveKey(d1, hash)),
  );
}
