/**
 * GET /api/feed/ws?token=<owner-scoped viewer token>: the live feed of every
 * change to the owner's jobs, for job lists. Handed to the owner's OwnerFeed
 * object, which accepts it with the hibernation API.
 */
import { Hono } from "hono";
import { requireOwnerScope, requireReader } from "../auth/principal";
import { ApiError } from "../errors";
import { ownerFeed } from "../feed/notify-feed";
import type { AppEnv } from "../http/context";

export const feedSocketRoutes = new Hono<AppEnv>().get("/ws", requireReader({ query: true }), requireOwnerScope, async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "connect with a WebSocket client (Upgrade: websocket)");
  }
  const url = new URL(c.req.url);
  url.searchParams.delete("token");
  return ownerFeed(c.env, c.var.owner).fetch(new Request(url, c.req.raw));
});
