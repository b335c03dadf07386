/**
 * The client API's credential: `Authorization: Bearer <API_KEY>`.
 * This is the single seam where a caller becomes an owner; per-owner keys
 * stored in D1 replace the one configured key without touching the routes.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { timingSafeEqual } from "./hmac";

export const DEFAULT_OWNER = "default";

/** The bearer token of a request, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/** Whether the request carries the API key. */
export function hasApiKey(header: string | undefined, apiKey: string): boolean {
  const token = bearerToken(header);
  return token !== null && timingSafeEqual(token, apiKey);
}

/** Lets a request through only with the API key, and names its owner. */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  if (!hasApiKey(c.req.header("authorization"), c.var.config.apiKey)) {
    throw new ApiError(401, "unauthorized", "send the API key as Authorization: Bearer <key>");
  }
  c.set("owner", DEFAULT_OWNER);
  await next();
});
