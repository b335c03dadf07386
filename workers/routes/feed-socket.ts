/**
 * GET /api/feed/ws?token=<owner-scoped viewer token>: the live feed of every
 * change to the owner's jobs, for job lists. Handed to the owner's OwnerFeed
 * object, which accepts it with the hibernation API.
 */
import { Hono } from "hono";
import { z } from "zod";
import { verifyViewerToken } from "../auth/viewer-token";
import { ApiError } from "../errors";
import { ownerFeed } from "../feed/notify-feed";
import type { AppEnv } from "../http/context";
import { validate } from "../http/middleware";

const FeedQuery = z.object({ token: z.string().max(4096) });

export const feedSocketRoutes = new Hono<AppEnv>().get("/ws", validate("query", FeedQuery), async (c) => {
  const check = await verifyViewerToken(c.var.config.signingSecret, c.req.valid("query").token, Date.now());
  if (!check.ok) {
    throw new ApiError(401, check.reason === "expired" ? "token_expired" : "invalid_token", `the viewer token is ${check.reason}`);
  }
  if (check.scope.jobId !== null) throw new ApiError(403, "token_scope", "this viewer token is for one job only");
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "connect with a WebSocket client (Upgrade: websocket)");
  }
  return ownerFeed(c.env, check.scope.owner).fetch(c.req.raw);
});
