/**
 * GET /api/batches/:id/ws: the batch's live feed. As on a job's socket, a
 * viewer token may come as `?token=`; it is checked here and removed before
 * the upgrade is handed to the batch's Durable Object.
 */
import { Hono } from "hono";
import { z } from "zod";
import { mayReadBatch, requireReader } from "../auth/principal";
import { batchNotFound, batchObject, validBatchId } from "../batches/batch-object";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { validate } from "../http/middleware";

const SocketQuery = z.object({
  since: z.coerce.number().int().min(0).optional(),
  token: z.string().max(4096).optional(),
});

export const batchSocketRoutes = new Hono<AppEnv>().get(
  "/:id/ws",
  requireReader({ query: true }),
  validBatchId,
  validate("query", SocketQuery),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "upgrade_required", "connect with a WebSocket client (Upgrade: websocket)");
    }
    const id = c.req.param("id");
    const stub = batchObject(c.env, id);
    const page = await stub.read(0, 0);
    if (!page || !mayReadBatch(c.var.principal, page.owner, id)) throw batchNotFound();
    const url = new URL(c.req.url);
    url.searchParams.delete("token");
    return stub.fetch(new Request(url, c.req.raw));
  },
);
