/**
 * Job creation limits: at most JOBS_PER_MINUTE job creations per API key,
 * answered with 429 and Retry-After past that. A batch is one request against
 * the bucket's burst (it needs one token there) and spends one token per job
 * of the per-minute budget.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";

/** Takes `jobs` creations from the caller's budget, or throws the 429. Only API keys are limited. */
export async function takeJobCreations(c: Context<AppEnv>, jobs: number): Promise<void> {
  const principal = c.var.principal;
  if (principal.kind !== "key") return;
  const perMinute = c.var.config.jobsPerMinute;
  const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(`jobs:create:${principal.keyId}`));
  const { ok, retryAfterSeconds } = await limiter.take(perMinute, perMinute / 60, jobs);
  if (!ok) {
    c.header("Retry-After", String(retryAfterSeconds));
    throw new ApiError(429, "rate_limited", `at most ${perMinute} jobs a minute per API key; retry in ${retryAfterSeconds} s`);
  }
}

export const limitJobCreation = createMiddleware<AppEnv>(async (c, next) => {
  await takeJobCreations(c, 1);
  await next();
});
