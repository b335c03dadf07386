/**
 * GET /api/jobs/:id/ws: the job's live feed. Browsers cannot set headers on
 * a WebSocket, so a viewer token may come as `?token=`; it is checked here
 * and removed before the upgrade is handed to the job's Durable Object.
 */
import { Hono } from "hono";
import { z } from "zod";
import { mayRead, requireReader } from "../auth/principal";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { validate } from "../http/middleware";
import { jobNotFound, jobObject, validJobId } from "../jobs/job-object";
import { queryInteger } from "../protocol";

const SocketQuery = z.object({
  since: z.optional(queryInteger(0, Number.MAX_SAFE_INTEGER)),
  token: z.string().max(4096).optional(),
  /** `logs=1`: also send the job's log lines (job:log), after `logs_since` (a log_seq) or its tail. */
  logs: z.enum(["0", "1"]).optional(),
  logs_since: z.coerce.number().int().min(0).optional(),
});

export const socketRoutes = new Hono<AppEnv>().get(
  "/:id/ws",
  requireReader({ query: true }),
  validJobId,
  validate("query", SocketQuery),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "upgrade_required", "connect with a WebSocket client (Upgrade: websocket)");
    }
    const stub = jobObject(c.env, c.req.param("id"));
    const job = await stub.read();
    if (!job || !mayRead(c.var.principal, job.owner, job.id, job.batchId ?? null)) throw jobNotFound();
    const url = new URL(c.req.url);
    url.searchParams.delete("token");
    return stub.fetch(new Request(url, c.req.raw));
  },
);
