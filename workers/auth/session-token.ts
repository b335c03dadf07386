/**
 * Console sessions: what the sign-in cookie holds. An API key is exchanged
 * once for `s1.<base64url JSON {o: owner, k: key id, e: expiry in unix s}>.<HMAC>`,
 * so the browser never keeps the key. Checking the signature needs no
 * storage; whether the key is still unrevoked is asked of D1 on each use.
 */
import { hmacSign, hmacVerify } from "./hmac";

export interface SessionClaims {
  owner: string;
  /** The id (not the key) of the API key that signed in; a revoked key ends the session. */
  keyId: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

/** The longest a session may last. */
export const MAX_SESSION_MS = 12 * 3600 * 1000;

const PREFIX = "s1";
const message = (payload: string) => `session:v1:${payload}`;

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const fromBase64Url = (b64: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(b64.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

/** A session token for `claims`; an expiry past MAX_SESSION_MS from `now` is refused. */
export async function signSession(secret: string, claims: SessionClaims, now: number): Promise<string> {
  if (claims.expiresAt - now > MAX_SESSION_MS) throw new Error("a session lasts 12 h at the most");
  const payload = toBase64Url(JSON.stringify({ o: claims.owner, k: claims.keyId, e: Math.floor(claims.expiresAt / 1000) }));
  return `${PREFIX}.${payload}.${await hmacSign(secret, message(payload))}`;
}

export type SessionCheck = { ok: true; claims: SessionClaims } | { ok: false; reason: "invalid" | "expired" };

/** Whether `token` is a genuine, unexpired session, and whose. */
export async function verifySession(secret: string, token: string, now: number): Promise<SessionCheck> {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX || !/^[A-Za-z0-9_-]{1,1024}$/.test(parts[1]!)) {
    return { ok: false, reason: "invalid" };
  }
  const [, payload, sig] = parts as [string, string, string];
  if (!(await hmacVerify(secret, message(payload), sig))) return { ok: false, reason: "invalid" };
  let claims: { o?: unknown; k?: unknown; e?: unknown };
  try {
    claims = JSON.parse(fromBase64Url(payload));
  } catch {
    return { ok: false, reason: "invalid" };
  }
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
