/**
 * API keys, one per role: `sk_` keys of the customers' backends (the client
 * API) and `wk_` keys of their GPU fleets (pull leases), each followed by 32
 * random base64url characters (192 bits). Only their SHA-256 is stored. This
 * module uses WebCrypto only, so the key script runs it in Node too.
 */
import type { ApiKeyRole } from "../db/schema";
import { sha256Hex } from "./digest";

export type { ApiKeyRole };

/** The prefix that tells a key's role at a glance (and in listings). */
export const KEY_PREFIXES: Record<ApiKeyRole, string> = { client: "sk_", worker: "wk_" };

export const API_KEY_PATTERN = /^(sk|wk)_[A-Za-z0-9_-]{32}$/;
export const OWNER_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface NewApiKey {
  /** The key itself: shown once, never stored. */
  key: string;
  row: {
    id: string;
    owner: string;
    name: string;
    role: ApiKeyRole;
    keyHash: string;
    prefix: string;
    createdAt: number;
    revokedAt: null;
  };
}

function randomBase64Url(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export const hashApiKey = (key: string) => sha256Hex(`api-key:v1:${key}`);

/** A fresh key of `role` for `owner` and the row that records it. */
export async function newApiKey(owner: string, name: string, now: number, role: ApiKeyRole = "client"): Promise<NewApiKey> {
  if (!OWNER_PATTERN.test(owner)) throw new Error("owner must be 1-64 chars of a-z, 0-9, '_', '-'");
  return recordFor(`${KEY_PREFIXES[role]}${randomBase64Url(24)}`, owner, name, now, role);
}

/** The row that records an existing `key` (the dev keys, or a test's). */
export async function recordFor(key: string, owner: string, name: string, now: number, role: ApiKeyRole = "client"): Promise<NewApiKey> {
  return {
    key,
    row: {
      id: `key_${randomBase64Url(9)}`,
      owner,
      name,
      role,
      keyHash: await hashApiKey(key),
      prefix: key.slice(0, 10),
      createdAt: now,
      revokedAt: null,
    },
  };
}
