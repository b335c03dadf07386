/**
 * API keys of the customers' backends: `sk_` and 32 random base64url
 * characters (192 bits). Only their SHA-256 is stored. This module uses
 * WebCrypto only, so the key script runs it in Node too.
 */
import { sha256Hex } from "./digest";

export const API_KEY_PATTERN = /^sk_[A-Za-z0-9_-]{32}$/;
export const OWNER_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface NewApiKey {
  /** The key itself: shown once, never stored. */
  key: string;
  row: { id: string; owner: string; name: string; keyHash: string; prefix: string; createdAt: number; revokedAt: null };
}

function randomBase64Url(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export const hashApiKey = (key: string) => sha256Hex(`api-key:v1:${key}`);

/** A fresh key for `owner` and the row that records it. */
export async function newApiKey(owner: string, name: string, now: number): Promise<NewApiKey> {
  if (!OWNER_PATTERN.test(owner)) throw new Error("owner must be 1-64 chars of a-z, 0-9, '_', '-'");
  return recordFor(`sk_${randomBase64Url(24)}`, owner, name, now);
}

/** The row that records an existing `key` (the dev key, or a test's). */
export async function recordFor(key: string, owner: string, name: string, now: number): Promise<NewApiKey> {
  return {
    key,
    row: {
      id: `key_${randomBase64Url(9)}`,
      owner,
      name,
      keyHash: await hashApiKey(key),
      prefix: key.slice(0, 10),
      createdAt: now,
      revokedAt: null,
    },
  };
}
