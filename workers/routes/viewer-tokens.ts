/**
 * POST /api/viewer-tokens: an API key mints a read-only token for a browser,
 * scoped to one job (`job_id`), to one batch (`batch_id`: the batch, its
 * socket and its member jobs), or to all of the owner's jobs.
 */
import { Hono } from "hono";
import { requireApiKey } from "../auth/principal";
import { signViewerToken } from "../auth/viewer-token";
import { isBatchId } from "../batches/batch-id";
import { batchNotFound, batchObject } from "../batches/batch-object";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import { isJobId } from "../jobs/job-id";
import { jobNotFound, jobObject } from "../jobs/job-object";
import { ViewerTokenBody, type ViewerTokenResponse } from "../protocol";

export const DEFAULT_VIEWER_TTL_SECONDS = 3600;

export const viewerTokenRoutes = new Hono<AppEnv>().post(
  "/",
  requireApiKey,
  jsonBody(4096, { optional: true }),
  validate("json", ViewerTokenBody),
  async (c) => {
    const { job_id: jobId, batch_id: batchId, ttl_seconds: ttl = DEFAULT_VIEWER_TTL_SECONDS } = c.req.valid("json");
    if (jobId !== undefined) {
      const job = isJobId(jobId) ? await jobObject(c.env, jobId).read() : null;
      if (!job || job.owner !== c.var.owner) throw jobNotFound();
    }
    if (batchId !== undefined) {
      const batch = isBatchId(batchId) ? await batchObject(c.env, batchId).read(0, 0) : null;
      if (!batch || batch.owner !== c.var.owner) throw batchNotFound();
    }
    const expiresAt = Date.now() + ttl * 1000;
    const token = await signViewerToken(c.var.config.signingSecret, {
      owner: c.var.owner,
      jobId: jobId ?? null,
      batchId: batchId ?? null,
      expiresAt,
    });
    const body: ViewerTokenResponse = {
      token,
      job_id: jobId ?? null,
      batch_id: batchId ?? null,
      expires_at: new Date(Math.floor(expiresAt / 1000) * 1000).toISOString(),
    };
    return c.json(body, 201);
  },
);
