/**
 * /api/session: the console's sign-in. `POST {api_key}` checks the client key
 * once and answers with a session cookie (the browser never keeps the key);
 * `GET` says who is signed in; `DELETE` signs out. Under DEMO_MODE, and only
 * on a loopback host, `GET /dev-key` hands the sign-in form the local dev key.
 */
import { Hono } from "hono";
import { z } from "zod";
import { hashApiKey } from "../auth/api-keys";
import { requireRole } from "../auth/key-role";
import { clearSessionCookie, isLoopback, readSession, requireOwnOrigin, setSessionCookie } from "../auth/session-cookie";
import { signSession } from "../auth/session-token";
import { guardD1 } from "../db/d1-guard";
import { findActiveKey } from "../db/api-keys";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import { SessionBody, type SessionResponse } from "../protocol";

/** How long a console session lasts (the cap is 12 h). */
export const SESSION_TTL_MS = 8 * 3600 * 1000;


const sessionBody = (owner: string, expiresAt: number): SessionResponse => ({
  owner,
  expires_at: new Date(Math.floor(expiresAt / 1000) * 1000).toISOString(),
});

export const sessionRoutes = new Hono<AppEnv>()
  .post("/", jsonBody(4096), validate("json", SessionBody), async (c) => {
    // A sign-in from another site's page would plant its key in this browser.
    if (c.req.header("origin") !== undefined) requireOwnOrigin(c);
    const hash = await hashApiKey(c.req.valid("json").api_key);
    const key = await guardD1("api_keys.find", c.var.config.d1TimeoutMs, () => findActiveKey(c.env.DB, hash));
    if (!key) throw new ApiError(401, "invalid_api_key", "the API key is not valid (unknown or revoked)");
    requireRole(key, "client");
    const now = Date.now();
    const expiresAt = now + SESSION_TTL_MS;
    const token = await signSession(c.var.config.signingSecret, { owner: key.owner, keyId: key.id, expiresAt }, now);
    setSessionCookie(c, token, expiresAt);
    return c.json(sessionBody(key.owner, expiresAt), 201);
  })

  .get("/", async (c) => {
    const session = await readSession(c);
    if (!session) throw new ApiError(401, "unauthorized", "not signed in");
    return c.json(sessionBody(session.owner, session.expiresAt));
  })

  .delete("/", async (c) => {
    requireOwnOrigin(c);
    clearSessionCookie(c);
    return c.body(null, 204);
  })

  .get("/dev-key", (c) => {
    const key = c.env.DEV_API_KEY;
    if (c.env.DEMO_MODE !== "true" || !key || !isLoopback(c.req.url)) {
      throw new ApiError(404, "not_found", "no dev key here (DEMO_MODE on a loopback host only)");
    }
    return c.json({ api_key: key });
  });
