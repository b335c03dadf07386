/**
 * The console's sign-in cookie: set on `POST /api/session`, read by the
 * principal as one more credential. HttpOnly, SameSite=Strict, Secure except
 * on a loopback http origin (`wrangler dev`). A cookie-authenticated write or
 * socket upgrade must carry the console's own Origin (403 `bad_origin`), and
 * the key behind the session is looked up on each use, so revoking the key
 * ends its sessions at once.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { findActiveKeyById } from "../db/api-keys";
import { guardD1 } from "../db/d1-guard";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { originAllowed, verifySession, type SessionClaims } from "./session-token";

export const SESSION_COOKIE = "tracker_session";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether the request came to a loopback host over plain http (local dev). */
export function isLoopback(url: string): boolean {
  return LOOPBACK.has(new URL(url).hostname);
}

const cookieOptions = (c: Context<AppEnv>) => {
  const url = new URL(c.req.url);
  return {
    path: "/",
    httpOnly: true,
    sameSite: "Strict" as const,
    secure: !(url.protocol === "http:" && isLoopback(c.req.url)),
  };
};

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: number): void {
  const maxAge = Math.floor((expiresAt - Date.now()) / 1000);
  setCookie(c, SESSION_COOKIE, token, { ...cookieOptions(c), maxAge });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}

/** Refuses a write or socket upgrade whose Origin is not the console's own. */
export function requireOwnOrigin(c: Context<AppEnv>): void {
  const allowed = originAllowed({
    method: c.req.method,
    url: c.req.url,
    origin: c.req.header("origin"),
    upgrade: c.req.header("upgrade"),
  });
  if (!allowed) throw new ApiError(403, "bad_origin", "a signed-in request that writes must come from the console's own origin");
}

/**
 * The session of the request's cookie, or null without one. A bad, expired or
 * revoked session, or a write from another origin, is an ApiError.
 */
export async function readSession(c: Context<AppEnv>): Promise<SessionClaims | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token === undefined) return null;
  const check = await verifySession(c.var.config.signingSecret, token, Date.now());
  if (!check.ok) {
    throw check.reason === "expired"
      ? new ApiError(401, "session_expired", "the session has expired; sign in again")
      : new ApiError(401, "invalid_session", "the session is not valid; sign in again");
  }
  requireOwnOrigin(c);
  const key = await guardD1("api_keys.find_by_id", c.var.config.d1TimeoutMs, () => findActiveKeyById(c.env.DB, check.claims.keyId));
  if (!key || key.owner !== check.claims.owner || key.role !== "client") {
    throw new ApiError(401, "session_revoked", "the API key of this session was revoked; sign in with another key");
  }
  return check.claims;
}
