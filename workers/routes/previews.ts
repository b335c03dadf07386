/**
 * GET /api/jobs/:id/preview?expires=&sig=: the job's newest preview frame,
 * by the signed link a `job:preview` message carries (an <img> needs nothing else).
 */
import { Hono } from "hono";
import { verifyPreviewSignature } from "../auth/preview-link";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { jobObject, validJobId } from "../jobs/job-object";

export const previewRoutes = new Hono<AppEnv>().get("/:id/preview", validJobId, async (c) => {
  const id = c.req.param("id");
  const check = await verifyPreviewSignature(c.var.config.signingSecret, id, c.req.query("expires") ?? "", c.req.query("sig") ?? "", Date.now());
  if (check === "expired") throw new ApiError(403, "link_expired", "this preview link has expired");
  if (check === "invalid") throw new ApiError(403, "invalid_signature", "this preview link is not valid");
  const record = await jobObject(c.env, id).previewRecord();
  const object = record && (await c.env.OUTPUTS.get(record.key));
  if (!object) throw new ApiError(404, "no_preview", "the job has no preview");
  const headers = new Headers({ "Cache-Control": "private, max-age=60" });
  object.writeHttpMetadata(headers);
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { headers });
});
