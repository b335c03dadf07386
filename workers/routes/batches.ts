/**
 * The batch API: create many jobs in one call, list the owner's batches (from
 * the D1 mirror), read a batch with a page of its members, and cancel or
 * retry its members as one.
 */
import { Hono } from "hono";
import { mayReadBatch, requireApiKey, requireOwnerScope, requireReader } from "../auth/principal";
import { batchLinks, batchNotFound, batchObject, validBatchId } from "../batches/batch-object";
import { createBatch } from "../batches/create-batch";
import { inChunks } from "../batches/in-chunks";
import { listBatchRows, toBatchSummary } from "../db/batches";
import { guardD1 } from "../db/d1-guard";
import { decodeCursor } from "../db/jobs";
import { batchDeliveries } from "../db/webhook-deliveries";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import { jobObject } from "../jobs/job-object";
import { callbackCredentials } from "../jobs/links";
import type { JobCommand } from "../jobs/transition";
import {
  BatchQuery,
  CancelJobBody,
  CreateBatchBody,
  DeliveryLogQuery,
  ListBatchesQuery,
  type BatchActionResponse,
  type BatchResponse,
  type CreateBatchResponse,
  type JobStatus,
  type ListBatchesResponse,
} from "../protocol";
import { takeJobCreations } from "../rate-limit/limit-job-creation";
import { jobBody } from "./jobs";

/** 500 jobs of a few hundred bytes each; a batch of large inputs is better split. */
export const MAX_BATCH_BODY = 1024 * 1024;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Applies `command` to the batch's members whose status is one of `statuses`; answers the batch after it. */
async function actOnMembers(env: Env, owner: string, id: string, statuses: JobStatus[], command: JobCommand) {
  const stub = batchObject(env, id);
  const ids = await stub.memberIds(owner, statuses);
  if (ids === null) throw batchNotFound();
  // A member that moved on meanwhile refuses (409): it is simply not affected.
  const reached = await inChunks(ids, async (jobId) => (await jobObject(env, jobId).apply(command, owner)).ok);
  const page = await stub.read(0, 0);
  if (!page) throw batchNotFound();
  const body: BatchActionResponse = { batch: page.batch, affected: reached.filter(Boolean).length };
  return body;
}

export const batchRoutes = new Hono<AppEnv>()
  .post("/", requireApiKey, jsonBody(MAX_BATCH_BODY), validate("json", CreateBatchBody), async (c) => {
    const { config, owner } = c.var;
    const key = c.req.header("idempotency-key");
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters");
    }
    const body = c.req.valid("json");
    await takeJobCreations(c, body.jobs.length);
    const origin = new URL(c.req.url).origin;
    const created = await createBatch(c.env, config, { owner, origin, body, idempotencyKey: key });
    const response: CreateBatchResponse = {
      batch: created.batch,
      links: batchLinks(origin, created.batch.id),
      jobs: await Promise.all(
        created.jobs.map(async (job) => ({ ...(await jobBody(job, config)), callback: await callbackCredentials(job, config) })),
      ),
    };
    if (created.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(response, 201, { Location: response.links.self });
  })

  .get("/", requireReader(), requireOwnerScope, validate("query", ListBatchesQuery), async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after === null) throw new ApiError(400, "invalid_cursor", "cursor is not one this API returned");
    const page = await guardD1("batches.list", c.var.config.d1TimeoutMs, () =>
      listBatchRows(c.env.DB, c.var.owner, { status, limit, after }),
    );
    const body: ListBatchesResponse = { batches: page.rows.map(toBatchSummary), next_cursor: page.nextCursor };
    return c.json(body);
  })

  .get("/:id", requireReader(), validBatchId, validate("query", BatchQuery), async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const id = c.req.param("id");
    const page = await batchObject(c.env, id).read(cursor === undefined ? 0 : Number(cursor), limit);
    if (!page || !mayReadBatch(c.var.principal, page.owner, id)) throw batchNotFound();
    const body: BatchResponse = {
      batch: page.batch,
      links: batchLinks(new URL(c.req.url).origin, id),
      jobs: page.jobs,
      next_cursor: page.nextOffset === null ? null : String(page.nextOffset),
    };
    return c.json(body);
  })

  .post("/:id/cancel", requireApiKey, validBatchId, jsonBody(4096, { optional: true }), validate("json", CancelJobBody), async (c) => {
    const { reason } = c.req.valid("json");
    return c.json(await actOnMembers(c.env, c.var.owner, c.req.param("id"), ["queued", "running"], { type: "cancel", reason }));
  })

  .post("/:id/retry", requireApiKey, validBatchId, async (c) => {
    return c.json(await actOnMembers(c.env, c.var.owner, c.req.param("id"), ["failed"], { type: "retry" }));
  })

  /** The batch's webhook deliveries (`batch.completed` / `batch.finished`), newest first. */
  .get("/:id/deliveries", requireApiKey, validBatchId, validate("query", DeliveryLogQuery), async (c) => {
    const id = c.req.param("id");
    const page = await batchObject(c.env, id).read(0, 0);
    if (!page || page.owner !== c.var.owner) throw batchNotFound();
    return c.json({ deliveries: await batchDeliveries(c.env.DB, c.var.owner, id, c.req.valid("query").limit) });
  });
