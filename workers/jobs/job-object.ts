/**
 * How routes reach a job's Durable Object, and how its refusals become API errors.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import type { ExportJobState } from "./export-job-state";
import type { NotFound, RateRefusal } from "./outcomes";
import { isJobId } from "./job-id";
import type { Refusal } from "./transition";

/** The one object that holds job `id`. */
export function jobObject(env: Env, id: string): DurableObjectStub<ExportJobState> {
  return env.EXPORT_JOB.get(env.EXPORT_JOB.idFromName(id));
}

export const jobNotFound = () => new ApiError(404, "job_not_found", "no such job");

/** A malformed id is answered exactly like an unknown one, without waking any object. */
export const validJobId = createMiddleware<AppEnv>(async (c, next) => {
  if (!isJobId(c.req.param("id") ?? "")) throw jobNotFound();
  await next();
});

export function refusalError(refusal: Refusal | NotFound | RateRefusal): ApiError {
  return new ApiError(refusal.status, refusal.code, refusal.message);
}
