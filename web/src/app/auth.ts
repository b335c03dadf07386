/**
 * The credential seam of the console. The API key is typed into the sign-in
 * form once and exchanged for an HttpOnly session cookie (POST /api/session);
 * the page never stores the key. Sockets cannot rely on cookies across every
 * deployment, so for them the session mints short-lived, read-only viewer
 * tokens (POST /api/viewer-tokens), the same credential an embedding customer
 * gives its own users.
 */
import { SessionResponse, ViewerTokenResponse } from "@export-tracker/protocol";
import { ApiRequestError, call, post } from "./api";

/** Viewer tokens for the sockets live this long, and are renewed a minute before they end. */
const VIEWER_TTL_SECONDS = 600;
const RENEW_MARGIN_MS = 60_000;
let viewer: Promise<ViewerTokenResponse> | null = null;

/** Who is signed in; without a session, why it ended (null when there never was one). */
export async function currentSession(): Promise<{ session: SessionResponse } | { session: null; ended: string | null }> {
  try {
    return { session: await call("/api/session", {}, (b) => SessionResponse.parse(b)) };
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 401) {
      return { session: null, ended: err.code === "unauthorized" ? null : err.message };
    }
    throw err;
  }
}

export async function signIn(apiKey: string): Promise<SessionResponse> {
  viewer = null;
  return call("/api/session", post({ api_key: apiKey.trim() }), (b) => SessionResponse.parse(b));
}

export async function signOut(): Promise<void> {
  viewer = null;
  await call("/api/session", post(undefined, "DELETE"), () => undefined);
}

/** The local dev key, offered by a dev server (DEMO_MODE, loopback) only; null elsewhere. */
export async function devKey(): Promise<string | null> {
  const response = await fetch("/api/session/dev-key").catch(() => null);
  if (!response?.ok) return null;
  const body = (await response.json().catch(() => null)) as { api_key?: unknown } | null;
  return typeof body?.api_key === "string" ? body.api_key : null;
}

/** An owner-scoped viewer token for the job and feed sockets, renewed shortly before it expires. */
export async function viewerToken(): Promise<string> {
  const current = viewer && (await viewer.catch(() => null));
  if (!current || Date.parse(current.expires_at) - Date.now() < RENEW_MARGIN_MS) {
    viewer = call("/api/viewer-tokens", post({ ttl_seconds: VIEWER_TTL_SECONDS }), (b) => ViewerTokenResponse.parse(b));
  }
  return (await viewer!).token;
}
