/**
 * How routes and effects reach a batch's Durable Object.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import type { BatchState } from "./batch-state";
import { isBatchId } from "./batch-id";

/**
 * The object's methods as callers see them. The stub's mapped RPC types turn
 * a batch view (its metadata is any JSON value) into `never`, so the stub is
 * typed by the class's own signatures: every value they pass is plain JSON.
 */
export type BatchStub = Pick<BatchState, "create" | "read" | "memberIds" | "memberChanged" | "fetch">;

/** The one object that holds batch `id`. */
export function batchObject(env: Env, id: string): BatchStub {
  return env.BATCH_STATE.get(env.BATCH_STATE.idFromName(id)) as unknown as BatchStub;
}

export const batchNotFound = () => new ApiError(404, "batch_not_found", "no such batch");

/** A malformed id is answered exactly like an unknown one, without waking any object. */
export const validBatchId = createMiddleware<AppEnv>(async (c, next) => {
  if (!isBatchId(c.req.param("id") ?? "")) throw batchNotFound();
  await next();
});

/** Where a batch is reached over HTTP and WebSocket. */
export function batchLinks(origin: string, id: string): { self: string; ws: string } {
  const path = `/api/batches/${encodeURIComponent(id)}`;
  return { self: `${origin}${path}`, ws: `${origin.replace(/^http/, "ws")}${path}/ws` };
}
