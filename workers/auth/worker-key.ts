/**
 * The GPU workers' credential: `Authorization: Bearer <WORKER_KEY>`.
 * The one seam where a pull worker is let in; per-fleet keys replace the one
 * configured key here without touching the routes.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { bearerToken } from "./principal";
import { timingSafeEqual } from "./hmac";

/** Lets a request through only with the worker key. */
export const requireWorkerKey = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (token === null || !timingSafeEqual(token, c.var.config.workerKey)) {
    throw new ApiError(401, "unauthorized", "send the worker key as Authorization: Bearer <WORKER_KEY>");
  }
  await next();
});
