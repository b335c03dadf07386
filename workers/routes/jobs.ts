/**
 * The client API for the customer's backend: create, read, list, cancel and
 * retry jobs, and fetch the current attempt's callback credentials.
 */
import { Hono } from "hono";
import { mayRead, requireApiKey, requireOwnerScope, requireReader } from "../auth/principal";
import { sha256Hex } from "../auth/digest";
import { decodeCursor, listJobRows, toJobSummary } from "../db/jobs";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import { toJobViewWithInput, type JobState } from "../jobs/job";
import { idempotentJobId, newJobId } from "../jobs/job-id";
import { jobNotFound, jobObject, refusalError, validJobId } from "../jobs/job-object";
import { callbackCredentials, downloadLinkFor, jobLinks } from "../jobs/links";
import { CancelJobBody, CreateJobBody, ListJobsQuery, type CreateJobResponse } from "../protocol";
import type { Config } from "../config";
import { limitJobCreation } from "../rate-limit/limit-job-creation";

const MAX_CREATE_BODY = 128 * 1024;
const MAX_INPUT_BYTES = 64 * 1024;

/** What the owner sees of a job: the job with its input, and where to reach it. */
async function jobBody(job: JobState, config: Config) {
  const download = await downloadLinkFor(job, config, Date.now());
  return { job: toJobViewWithInput(job, download), links: jobLinks(job) };
}

export const jobRoutes = new Hono<AppEnv>()
  .post("/", requireApiKey, limitJobCreation, jsonBody(MAX_CREATE_BODY), validate("json", CreateJobBody), async (c) => {
    const body = c.req.valid("json");
    const { config, owner } = c.var;
    const inputJson = JSON.stringify(body.input);
    if (inputJson.length > MAX_INPUT_BYTES) {
      throw new ApiError(413, "input_too_large", `input must serialize to at most ${MAX_INPUT_BYTES} bytes`);
    }
    const key = c.req.header("idempotency-key");
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters");
    }
    const id = key === undefined ? newJobId() : await idempotentJobId(config.signingSecret, owner, key);
    const url = new URL(c.req.url);
    const outcome = await jobObject(c.env, id).create(
      {
        id,
        owner,
        kind: body.kind,
        inputJson,
        origin: url.origin,
        maxAttempts: body.max_attempts ?? config.maxAttempts,
        heartbeatTimeoutMs: (body.heartbeat_timeout_seconds ?? config.heartbeatTimeoutMs / 1000) * 1000,
        dispatch: body.dispatch ?? "external",
        priority: body.priority ?? 0,
      },
      await sha256Hex(JSON.stringify(body)),
    );
    if (!outcome.ok) throw refusalError(outcome.refusal);
    const response: CreateJobResponse = {
      ...(await jobBody(outcome.job, config)),
      callback: await callbackCredentials(outcome.job, config),
    };
    if (outcome.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(response, 201, { Location: response.links.self });
  })

  .get("/", requireReader(), requireOwnerScope, validate("query", ListJobsQuery), async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after === null) throw new ApiError(400, "invalid_cursor", "cursor is not one this API returned");
    const page = await listJobRows(c.env.DB, c.var.owner, { status, limit, after });
    return c.json({ jobs: page.rows.map(toJobSummary), next_cursor: page.nextCursor });
  })

  .get("/:id", requireReader(), validJobId, async (c) => {
    const job = await jobObject(c.env, c.req.param("id")).read();
    if (!job || !mayRead(c.var.principal, job.owner, job.id)) throw jobNotFound();
    return c.json(await jobBody(job, c.var.config));
  })

  .get("/:id/callback", requireApiKey, validJobId, async (c) => {
    const job = await jobObject(c.env, c.req.param("id")).read();
    if (!job || !mayRead(c.var.principal, job.owner, job.id)) throw jobNotFound();
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
