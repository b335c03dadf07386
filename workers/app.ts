/**
 * The Hono root: shared middleware, the sub-apps, and the one error handler.
 */
import { Hono, type Context } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { notFound, onError } from "./errors";
import type { AppEnv } from "./http/context";
import { requestLog, withConfig } from "./http/middleware";
import { openApiRoutes } from "./openapi/openapi-routes";
import { batchSocketRoutes } from "./routes/batch-socket";
import { batchRoutes } from "./routes/batches";
import { callbackRoutes } from "./routes/callbacks";
import { downloadRoutes } from "./routes/downloads";
import { feedSocketRoutes } from "./routes/feed-socket";
import { healthRoutes } from "./routes/health";
import { socketRoutes } from "./routes/job-socket";
import { jobRoutes } from "./routes/jobs";
import { previewRoutes } from "./routes/previews";
import { sessionRoutes } from "./routes/session";
import { viewerTokenRoutes } from "./routes/viewer-tokens";
import { jobDeliveryRoutes, webhookRoutes } from "./routes/webhooks";
import { workerRoutes } from "./routes/worker";

/** Built once; the allowlist is read from each request's config. */
const apiCors = cors({
  origin: (origin, c: Context<AppEnv>) => (c.var.config.corsOrigins.includes(origin) ? origin : null),
  allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
  allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  exposeHeaders: ["Location", "Retry-After", "Idempotent-Replayed"],
  maxAge: 600,
});

export const app = new Hono<AppEnv>()
  .use("*", requestLog)
  .use("/api/*", withConfig)
  // The GPU workers' routes come before the middleware made for browsers: a worker is not a
  // page, so its answers need neither CORS nor security headers (together about 7 % of a
  // callback's CPU). A route answers without calling next(), so what follows never runs for it.
  .route("/api/jobs", callbackRoutes)
  .route("/api/worker", workerRoutes)
  .use("*", secureHeaders())
  .use("/api/*", apiCors)
  .route("/", healthRoutes)
  .route("/", openApiRoutes)
  .route("/api/viewer-tokens", viewerTokenRoutes)
  .route("/api/jobs", jobRoutes)
  .route("/api/jobs", socketRoutes)
  .route("/api/jobs", downloadRoutes)
  .route("/api/jobs", previewRoutes)
  .route("/api/batches", batchRoutes)
  .route("/api/batches", batchSocketRoutes)
  .route("/api/jobs", jobDeliveryRoutes)
  .route("/api/webhooks", webhookRoutes)
  .route("/api/feed", feedSocketRoutes)
  .route("/api/session", sessionRoutes);

app.onError(onError);
app.notFound(notFound);

/** For a typed client: `hc<AppType>(origin)`. */
export type AppType = typeof app;
