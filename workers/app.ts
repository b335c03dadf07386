/**
 * The Hono root: shared middleware, the sub-apps, and the one error handler.
 */
import { Hono } from "hono";
import { notFound, onError } from "./errors";
import type { AppEnv } from "./http/context";
import { requestLog, withConfig } from "./http/middleware";
import { callbackRoutes } from "./routes/callbacks";
import { downloadRoutes } from "./routes/downloads";
import { healthRoutes } from "./routes/health";
import { socketRoutes } from "./routes/job-socket";
import { jobRoutes } from "./routes/jobs";
import { workerRoutes } from "./routes/worker";

export const app = new Hono<AppEnv>()
  .use("*", requestLog)
  .use("/api/*", withConfig)
  .route("/", healthRoutes)
  .route("/api/jobs", jobRoutes)
  .route("/api/jobs", callbackRoutes)
  .route("/api/jobs", socketRoutes)
  .route("/api/jobs", downloadRoutes)
  .route("/api/worker", workerRoutes);

app.onError(onError);
app.notFound(notFound);

/** For a typed client: `hc<AppType>(origin)`. */
export type AppType = typeof app;
