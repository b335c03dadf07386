/**
 * GET /api/openapi.json (the API's OpenAPI 3.1 document, built from the
 * protocol's zod schemas) and GET /docs (an API reference page, Scalar).
 */
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { buildOpenApiDocument } from "./document";

export const openApiRoutes = new Hono<AppEnv>()
  .get("/api/openapi.json", (c) => c.json(buildOpenApiDocument(new URL(c.req.url).origin)))
  .get("/docs", Scalar({ url: "/api/openapi.json", pageTitle: "Export-job tracker API" }));
