/**
 * Who is calling the client API: a customer's backend with an API key, a
 * browser with a read-only viewer token, or the console with its session
 * cookie (acting for the key that signed in). The single place where a request
 * becomes an owner; routes only ask `mayRead` or use `requireApiKey`.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { findActiveKeyCached } from "./key-cache";
import { requireRole } from "./key-role";
import { readSession } from "./session-cookie";
import { verifyViewerToken, viewerMaySee } from "./viewer-token";

export type Principal =
  | { kind: "key"; owner: string; keyId: string }
  | { kind: "viewer"; owner: string; jobId: string | null; expiresAt: number };

/** The bearer token of a request, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

const unauthorized = (code: string, message: string) => new ApiError(401, code, message);

/**
 * The principal behind a credential, or an ApiError saying why not. Viewer
 * tokens start with `vt1.`; anything else is looked up as an API key, and a
 * worker key (role worker) is refused.
 */
async function identify(c: Context<AppEnv>, credential: string): Promise<Principal> {
  if (credential.startsWith("vt1.")) {
    const check = await verifyViewerToken(c.var.config.signingSecret, credential, Date.now());
    if (!check.ok) {
      throw check.reason === "expired"
        ? unauthorized("token_expired", "the viewer token has expired; ask your backend for a new one")
        : unauthorized("invalid_token", "the viewer token is not valid");
    }
    return { kind: "viewer", ...check.scope };
  }
  const key = await findActiveKeyCached(c.env.DB, credential, c.var.config.d1TimeoutMs);
  if (!key) throw unauthorized("invalid_api_key", "the API key is not valid (unknown or revoked)");
  requireRole(key, "client");
  return { kind: "key", owner: key.owner, keyId: key.id };
}

/**
 * The request's credential: the bearer token, or with `query` also `?token=` (WebSockets cannot
 * set headers). A URL only ever carries a viewer token: an API key there would end up in
 * histories, proxies and logs, so it is refused even when valid.
 */
function credentialOf(c: Context<AppEnv>, query: boolean): string | null {
  const header = bearerToken(c.req.header("authorization"));
  if (header !== null || !query) return header;
  const token = c.req.query("token") ?? null;
  if (token !== null && !token.startsWith("vt1.")) {
    throw /^(sk|wk)_/.test(token)
      ? unauthorized("api_key_in_query", "an API key goes in the Authorization header only, never in a URL; use a viewer token for ?token=")
      : unauthorized("invalid_token", "?token= takes a viewer token (vt1...) only");
  }
  return token;
}

async function authenticate(c: Context<AppEnv>, query: boolean): Promise<Principal> {
  const credential = credentialOf(c, query);
  // Without a bearer token, the console's session cookie (it acts for the key that signed in).
  const session = credential === null ? await readSession(c) : null;
  if (credential === null && session === null) {
    throw unauthorized("unauthorized", "send an API key or a viewer token as Authorization: Bearer <token>");
  }
  const principal: Principal = session
    ? { kind: "key", owner: session.owner, keyId: session.keyId }
    : await identify(c, credential!);
  c.set("principal", principal);
  c.set("owner", principal.owner);
  return principal;
}

/** Writes and token minting: an API key only; a viewer token is refused as read-only. */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await authenticate(c, false);
  if (principal.kind !== "key") {
    throw new ApiError(403, "read_only_token", "a viewer token can only read; this needs an API key");
  }
  await next();
});

/** Reads: an API key or a viewer token; with `query`, the token may come as `?token=`. */
export function requireReader(options: { query?: boolean } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await authenticate(c, options.query ?? false);
    await next();
  });
}

/** Reads across the owner's jobs: a job-scoped viewer token is refused. */
export const requireOwnerScope = createMiddleware<AppEnv>(async (c, next) => {
  const principal = c.var.principal;
  if (principal.kind === "viewer" && principal.jobId !== null) {
    throw new ApiError(403, "token_scope", "this viewer token is for one job only");
  }
  await next();
});

/** Whether the caller may see job `jobId` of `owner`; another owner's job must look missing. */
export function mayRead(principal: Principal, owner: string, jobId: string): boolean {
  return principal.kind === "key" ? principal.owner === owner : viewerMaySee(principal, owner, jobId);
}
