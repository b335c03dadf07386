/**
 * The client API for the customer's backend: create, read, list, cancel and
 * retry jobs, and fetch the current attempt's callback credentials.
 */
import { Hono } from "hono";
import { mayRead, requireApiKey, requireOwnerScope, requireReader } from "../auth/principal";
import { decodeCursor, listJobRows, toJobSummary } from "../db/jobs";
import { guardD1 } from "../db/d1-guard";
import { queueStanding } from "../dispatch/dispatch-stats";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import { toJobViewWithInput, type JobState } from "../jobs/job";
import { createJob } from "../jobs/create-job";
import { jobNotFound, jobObject, refusalError, validJobId } from "../jobs/job-object";
import { callbackCredentials, downloadLinkFor, jobLinks } from "../jobs/links";
import { CancelJobBody, CreateJobBody, EventLogQuery, ListJobsQuery, LogQuery, type CreateJobResponse } from "../protocol";
import type { Config } from "../config";
import { limitJobCreation } from "../rate-limit/limit-job-creation";

const MAX_CREATE_BODY = 128 * 1024;

/** What the owner sees of a job: the job with its input, and where to reach it. */
export async function jobBody(job: JobState, config: Config) {
  const download = await downloadLinkFor(job, config, Date.now());
  return { job: toJobViewWithInput(job, download), links: jobLinks(job) };
}

export const jobRoutes = new Hono<AppEnv>()
  .post("/", requireApiKey, limitJobCreation, jsonBody(MAX_CREATE_BODY), validate("json", CreateJobBody), async (c) => {
    const { config, owner } = c.var;
    const key = c.req.header("idempotency-key");
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters");
    }
    const outcome = await createJob(c.env, config, {
      owner,
      origin: new URL(c.req.url).origin,
      body: c.req.valid("json"),
      idempotencyKey: key,
    });
    const response: CreateJobResponse = {
      ...(await jobBody(outcome.job, config)),
      callback: await callbackCredentials(outcome.job, config),
    };
    if (outcome.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(response, 201, { Location: response.links.self });
  })

  .get("/", requireReader(), requireOwnerScope, validate("query", ListJobsQuery), async (c) => {
    const { status, kind, q, limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after === null) throw new ApiError(400, "invalid_cursor", "cursor is not one this API returned");
    const page = await guardD1("jobs.list", c.var.config.d1TimeoutMs, () =>
      listJobRows(c.env.DB, c.var.owner, { status, kind, idContains: q, limit, after }),
    );
    return c.json({ jobs: page.rows.map(toJobSummary), next_cursor: page.nextCursor });
  })

  .get("/:id", requireReader(), validJobId, async (c) => {
    const job = await jobObject(c.env, c.req.param("id")).read();
    if (!job || !mayRead(c.var.principal, job.owner, job.id, job.batchId ?? null)) throw jobNotFound();
    const queue = await queueStanding(c.env, c.var.config, job, Date.now());
    return c.json({ ...(await jobBody(job, c.var.config)), queue });
  })

  .get("/:id/events", requireReader(), validJobId, validate("query", EventLogQuery), async (c) => {
    const stub = jobObject(c.env, c.req.param("id"));
    const job = await stub.read();
    if (!job || !mayRead(c.var.principal, job.owner, job.id, job.batchId ?? null)) throw jobNotFound();
    const { since, limit } = c.req.valid("query");
    const page = await stub.eventLogPage(since, limit);
    if (!page) throw jobNotFound();
    return c.json(page);
  })

  .get("/:id/logs", requireReader(), validJobId, validate("query", LogQuery), async (c) => {
    const stub = jobObject(c.env, c.req.param("id"));
    const job = await stub.read();
    if (!job || !mayRead(c.var.principal, job.owner, job.id)) throw jobNotFound();
    const { since, limit } = c.req.valid("query");
    const page = await stub.logPage(since, limit);
    if (!page) throw jobNotFound();
    return c.json(page);
  })

  .get("/:id/callback", requireApiKey, validJobId, async (c) => {
    const job = await jobObject(c.env, c.req.param("id")).read();
    if (!job || !mayRead(c.var.principal, job.owner, job.id, job.batchId ?? null)) throw jobNotFound();
    return c.json(await callbackCredentials(job, c.var.config));
  })

  .post("/:id/cancel", requireApiKey, validJobId, jsonBody(4096, { optional: true }), validate("json", CancelJobBody), async (c) => {
    const { reason } = c.req.valid("json");
    const outcome = await jobObject(c.env, c.req.param("id")).apply({ type: "cancel", reason }, c.var.owner);
    if (!outcome.ok) throw refusalError(outcome.refusal);
    return c.json(await jobBody(outcome.job, c.var.config));
  })

  .post("/:id/retry", requireApiKey, validJobId, async (c) => {
    const outcome = await jobObject(c.env, c.req.param("id")).apply({ type: "retry" }, c.var.owner);
    if (!outcome.ok) throw refusalError(outcome.refusal);
    return c.json({
      ...(await jobBody(outcome.job, c.var.config)),
      callback: await callbackCredentials(outcome.job, c.var.config),
    });
  });
