import { describe, expect, it } from "vitest";
import { KeyCache } from "../../workers/auth/key-cache";
import type { ApiKeyRow } from "../../workers/db/schema";

const row = { id: "key_1", owner: "acme", role: "client" } as ApiKeyRow;

function counting(result: ApiKeyRow | undefined) {
  const calls: string[] = [];
  return { calls, lookup: async (hash: string) => (calls.push(hash), result) };
}

describe("the API-key cache", () => {
  it("serves a found key from memory until its time is up, then asks D1 again", async () => {
    const cache = new KeyCache(30_000);
    const d1 = counting(row);
    expect(await cache.get("h", 0, d1.lookup)).toBe(row);
    expect(await cache.get("h", 29_999, d1.lookup)).toBe(row);
    expect(d1.calls).toHaveLength(1);
    await cache.get("h", 30_000, d1.lookup);
    expect(d1.calls).toHaveLength(2);
  });

  it("never caches an unknown or revoked key, so a new key works at once", async () => {
    const cache = new KeyCache(30_000);
    expect(await cache.get("h", 0, counting(undefined).lookup)).toBeUndefined();
    expect(await cache.get("h", 1, counting(row).lookup)).toBe(row);
  });

  it("forgets the oldest key when full", async () => {
    const cache = new KeyCache(30_000, 2);
    const d1 = counting(row);
    for (const hash of ["a", "b", "c", "a"]) await cache.get(hash, 0, d1.lookup);
    expect(d1.calls).toEqual(["a", "b", "c", "a"]);
  });
});
