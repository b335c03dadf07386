/**
 * Console sessions: what the sign-in cookie holds. An API key is exchanged
 * once for `s1.<base64url JSON {o: owner, k: key id, e: expiry in unix s}>.<HMAC>`,
 * so the browser never keeps the key. Checking the signature needs no
 * storage; whether the key is still unrevoked is asked of D1 on each use.
 */
import { signClaims, verifyClaims } from "./signed-claims";

export interface SessionClaims {
  owner: string;
  /** The id (not the key) of the API key that signed in; a revoked key ends the session. */
  keyId: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

/** The longest a session may last. */
export const MAX_SESSION_MS = 12 * 3600 * 1000;

const FORMAT = { prefix: "s1", purpose: "session", maxPayload: 1024 };

/** A session token for `claims`; an expiry past MAX_SESSION_MS from `now` is refused. */
export async function signSession(secret: string, claims: SessionClaims, now: number): Promise<string> {
  if (claims.expiresAt - now > MAX_SESSION_MS) throw new Error("a session lasts 12 h at the most");
  return signClaims(FORMAT, secret, { o: claims.owner, k: claims.keyId, e: Math.floor(claims.expiresAt / 1000) });
}

export type SessionCheck = { ok: true; claims: SessionClaims } | { ok: false; reason: "invalid" | "expired" };

/** Whether `token` is a genuine, unexpired session, and whose. */
export async function verifySession(secret: string, token: string, now: number): Promise<SessionCheck> {
  const claims = await verifyClaims(FORMAT, secret, token);
  if (!claims) return { ok: false, reason: "invalid" };
  if (typeof claims.o !== "string" || typeof claims.k !== "string" || typeof claims.e !== "number") {
    return { ok: false, reason: "invalid" };
  }
  const expiresAt = claims.e * 1000;
  if (expiresAt <= now) return { ok: false, reason: "expired" };
  // A session signed for longer than the maximum is not one this Worker made.
  if (expiresAt - now > MAX_SESSION_MS) return { ok: false, reason: "invalid" };
  return { ok: true, claims: { owner: claims.o, keyId: claims.k, expiresAt } };
}

/** Whether a cookie-authenticated request may act: writes and socket upgrades must come from the console's own origin. */
export function originAllowed(request: { method: string; url: string; origin: string | undefined; upgrade: string | undefined }): boolean {
  const reads = request.method === "GET" || request.method === "HEAD";
  if (reads && request.upgrade?.toLowerCase() !== "websocket") return true;
  return request.origin !== undefined && request.origin === new URL(request.url).origin;
}
