/**
 * The GPU workers' credential: `Authorization: Bearer wk_...`, an API key of
 * role worker kept hashed in D1. The key's owner becomes the request's owner,
 * so a fleet only ever leases its own owner's jobs.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { findActiveKeyCached } from "./key-cache";
import { requireRole } from "./key-role";
import { bearerToken } from "./principal";

/** Lets a request through only with an active worker key, and sets `owner` to the key's owner. */
export const requireWorkerKey = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (token === null) {
    throw new ApiError(401, "unauthorized", "send a worker key as Authorization: Bearer wk_...");
  }
  const key = await findActiveKeyCached(c.env.DB, token, c.var.config.d1TimeoutMs);
  if (!key) throw new ApiError(401, "invalid_api_key", "the worker key is not valid (unknown or revoked)");
  c.set("owner", requireRole(key, "worker").owner);
  await next();
});
