/**
 * One error type for the API and the one place that shapes every error as
 * {"error": {"code", "message"}}. Unknown errors are logged with context and
 * answered with a plain 500, never a stack.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "./config";
import { log } from "./log";

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    /** Extra top-level fields of the body, e.g. a callback's `canceled`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(status, { message });
  }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  411: "length_required",
  413: "payload_too_large",
  415: "unsupported_media_type",
  416: "range_not_satisfiable",
  426: "upgrade_required",
};

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { ...extra, error: { code, message } };
}

/** Hono's onError: the single place errors become responses. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.extra), err.status);
  }
  if (err instanceof HTTPException) {
    const code = CODE_BY_STATUS[err.status] ?? "http_error";
    return c.json(errorBody(code, err.message || code), err.status as ContentfulStatusCode);
  }
  if (err instanceof ConfigError) {
    log.error("config.invalid", { message: err.message });
    return c.json(errorBody("server_misconfigured", err.message), 500);
  }
  log.error("request.failed", {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    error: err.message,
    name: err.name,
  });
  return c.json(errorBody("internal_error", "something went wrong on our side"), 500);
}

export function notFound(c: Context): Response {
  return c.json(errorBody("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404);
}
