/**
 * GET /api/jobs/:id/ws: the job's live feed. The upgrade is handed to the
 * job's Durable Object, which accepts it with the hibernation API.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { validate } from "../http/middleware";
import { jobObject, validJobId } from "../jobs/job-object";

const SocketQuery = z.object({ since: z.coerce.number().int().min(0).optional() });

export const socketRoutes = new Hono<AppEnv>().get("/:id/ws", validJobId, validate("query", SocketQuery), async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "connect with a WebSocket client (Upgrade: websocket)");
  }
  return jobObject(c.env, c.req.param("id")).fetch(c.req.raw);
});
