/**
 * Middleware shared by the routes: config loading, request logs without
 * query strings (links and sockets carry credentials there), and request
 * body checks that turn bad input into clear 4xx errors.
 */
import { zValidator } from "@hono/zod-validator";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { Context, ValidationTargets } from "hono";
import { core } from "zod";
import { readConfig } from "../config";
import { ApiError } from "../errors";
import { log } from "../log";
import type { AppEnv } from "./context";

/** Puts the config (parsed once per env) on the context; a missing secret becomes a clear 500. */
export const withConfig = createMiddleware<AppEnv>(async (c, next) => {
  c.set("config", readConfig(c.env));
  await next();
});

/** A GPU worker's routine report: the high-volume path, recorded in the job's own event log. */
const WORKER_REPORT = /^\/api\/jobs\/[^/]+\/callbacks\/(progress|heartbeat|log)$/;

/**
 * One structured line per request: method, path (never the query), status, duration. A
 * worker's accepted progress, heartbeat or log lines are left out: a job reporting ten times a
 * second would be ten lines a second (each a billed Workers Logs event, and about 7 % of a
 * report's CPU in the bench's profile), and the job's event log and Workers' own invocation log already hold
 * them. Their refusals are logged like any other request.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  if (c.res.status < 300 && WORKER_REPORT.test(c.req.path)) return;
  log.info("request", { method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started });
});

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Requires a JSON body of at most `maxBytes`: 415 for another content type,
 * 413 when larger (hono's bodyLimit: a declared length is checked before a
 * byte is read, a chunked body as it streams), 400 when it does not parse.
 * With `optional`, an empty body stands for `{}`. The text goes in hono's body cache under
 * "text", the key `c.req.json()` (and so the validator) reads: cached under "json" it would be
 * stringified again, wrapped in a new Response and read back (about 5 % of a callback's CPU).
 */
export function jsonBody(maxBytes: number, options: { optional?: boolean } = {}) {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return createMiddleware<AppEnv>(async (c, next) => {
    const length = c.req.header("content-length");
    const empty = length === "0" || (length === undefined && c.req.raw.body === null);
    if (empty && options.optional) {
      cacheBodyText(c, "{}");
      return next();
    }
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
    if (!JSON_TYPE.test(type)) {
      throw new ApiError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json");
    }
    await limit(c, async () => {
      const text = await c.req.raw.text();
      try {
        JSON.parse(text);
      } catch {
        throw new ApiError(400, "invalid_json", "the body is not valid JSON");
      }
      cacheBodyText(c, text);
      await next();
    });
  });
}

/** Hands `text` to hono's body cache, which holds promises (its type names the value instead). */
function cacheBodyText(c: Context<AppEnv>, text: string): void {
  (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
}

const tooLarge = (maxBytes: number) =>
  new ApiError(413, "payload_too_large", `the body is larger than ${maxBytes} bytes`);

/** zValidator whose failures are 400s naming each wrong field. */
export function validate<T extends keyof ValidationTargets, S extends core.$ZodType>(target: T, schema: S) {
  // Our schemas have no async refinements: a synchronous parse spares every request its promise
  // turns. (The option is typed for zod classic's result; core's is the same shape.)
  const validationFunction = ((s: S, value: unknown) => core.safeParse(s, value)) as never;
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const detail = result.error.issues
        .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
        .join("; ");
      throw new ApiError(400, target === "json" ? "invalid_body" : `invalid_${target}`, detail);
    }
  }, { validationFunction });
}
