/**
 * Middleware: at most JOBS_PER_MINUTE job creations per API key, answered
 * with 429 and Retry-After past that.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";

export const limitJobCreation = createMiddleware<AppEnv>(async (c, next) => {
  const principal = c.var.principal;
  if (principal.kind !== "key") return next();
  const perMinute = c.var.config.jobsPerMinute;
  const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(`jobs:create:${principal.keyId}`));
  const { ok, retryAfterSeconds } = await limiter.take(perMinute, perMinute / 60);
  if (!ok) {
    c.header("Retry-After", String(retryAfterSeconds));
    throw new ApiError(429, "rate_limited", `at most ${perMinute} jobs a minute per API key; retry in ${retryAfterSeconds} s`);
  }
  await next();
});
