/**
 * GPU-worker callbacks: progress, heartbeat, output upload, complete, error,
 * log lines, preview frames, and the channel (GET .../callbacks/ws, a
 * WebSocket carrying the same reports; see workers/channel/).
 * Each carries `Authorization: Bearer <callback token>` for one job and one
 * attempt. Every answer says whether the job was canceled, and every refusal
 * is written to the job's event log with its reason (never the token).
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { bearerToken } from "../auth/principal";
import { verifyCallbackToken } from "../auth/callback-token";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import type { Context } from "hono";
import type { JobBrief } from "../jobs/outcomes";
import { jobNotFound, jobObject, refusalError, validJobId } from "../jobs/job-object";
import { reportRefusal, type WorkerCommand } from "../jobs/transition";
import {
  CALLBACK_NAMES,
  CompleteReport,
  ErrorReport,
  OutputQuery,
  LogReport,
  PreviewQuery,
  ProgressReport,
  ReleaseReport,
  type CallbackAnswer,
  type CallbackName,
} from "../protocol";
import { checkUpload, storeOutput } from "../outputs/upload";
import { storePreview } from "../channel/preview";
import { WORKER_ATTEMPT_HEADER } from "../jobs/export-job-state";
import type { CallbackOutcome } from "../jobs/outcomes";

const MAX_CALLBACK_BODY = 16 * 1024;
/** 100 lines of 2 KiB, and their JSON. */
const MAX_LOG_BODY = 256 * 1024;

/** The answer to a worker: the job's status, and whether it should stop. */
function answer(jobId: string, job: JobBrief | null, error?: { code: string; message: string }): CallbackAnswer {
  return {
    ok: error === undefined,
    job_id: jobId,
    status: job?.status ?? null,
    attempt: job?.attempt ?? null,
    canceled: job?.status === "canceled",
    seq: job?.seq ?? null,
    ...(error && { error }),
  };
}

const callbackName = (c: Context<AppEnv>) => c.req.path.split("/").at(-1) as CallbackName;

/** A refusal the job's object already wrote to its log (in the call that refused it). */
class RecordedRefusal extends ApiError {
  constructor(
    error: ApiError,
    readonly job: JobBrief | null,
  ) {
    super(error.status, error.code, error.message);
  }
}

/**
 * Turns any refusal of a callback into the callback answer and records it in
 * the job's log. An unauthenticated caller learns nothing about the job.
 */
const recordRefusals = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const err = c.error;
  if (!(err instanceof ApiError) || c.res.status === 404) return;
  const id = c.req.param("id")!;
  if (err instanceof RecordedRefusal) {
    c.res = c.json(answer(id, err.job, { code: err.code, message: err.message }), err.status);
    return;
  }
  const callback = callbackName(c);
  const attempt = c.get("attempt") ?? null;
  const job = await jobObject(c.env, id).recordRefusedCallback({
    callback,
    status: err.status,
    code: err.code,
    message: err.message,
    attempt,
  });
  if (!job) {
    c.res = c.json(answer(id, null, { code: "job_not_found", message: "no such job" }), 404);
    return;
  }
  c.res = c.json(answer(id, attempt === null ? null : job, { code: err.code, message: err.message }), err.status);
});

/** Checks the callback token against the job id and notes the attempt it was minted for. */
const requireCallbackToken = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  const attempt = token && (await verifyCallbackToken(c.var.config.signingSecret, c.req.param("id")!, token));
  if (!attempt) {
    throw new ApiError(401, "invalid_token", "send this job's callback token as Authorization: Bearer <token>");
  }
  c.set("attempt", attempt);
  await next();
});

/** Runs a worker command on the job (one call) and answers with its new state. */
async function run(c: Context<AppEnv>, command: WorkerCommand): Promise<CallbackAnswer> {
  return answered(c, await jobObject(c.env, c.req.param("id")!).callback(callbackName(c), command));
}

function answered(c: Context<AppEnv>, outcome: CallbackOutcome): CallbackAnswer {
  if (!outcome.ok) throw new RecordedRefusal(refusalError(outcome.refusal), outcome.job);
  return answer(c.req.param("id")!, outcome.job);
}

/**
 * Refuses, before a byte of an upload is read, an attempt that may no longer report, without
 * changing the job: an upload that never arrives whole must leave the job exactly as it was.
 */
async function requireReportingAttempt(c: Context<AppEnv>, id: string, attempt: number): Promise<void> {
  const current = await jobObject(c.env, id).read();
  if (!current) throw jobNotFound();
  const refusal = reportRefusal(current, attempt);
  if (refusal) throw refusalError(refusal);
}

const KNOWN = new Set<string>(CALLBACK_NAMES);

export const callbackRoutes = new Hono<AppEnv>()
  // A wildcard, not "/:id/callbacks/:name": a param beside the static routes below is a shape
  // Hono's RegExpRouter refuses. (The app is on TrieRouter anyway while /api/webhooks has
  // `job-secret` beside `:id`; a match costs about 2 µs there, so neither was worth an API change.)
  .use("/:id/callbacks/*", validJobId, async (c, next) => {
    const name = callbackName(c);
    if (!KNOWN.has(name)) throw new ApiError(404, "not_found", `no callback named ${name}; see ${CALLBACK_NAMES.join(", ")}`);
    await next();
  })
  .use("/:id/callbacks/*", recordRefusals, requireCallbackToken)

  .post("/:id/callbacks/progress", jsonBody(MAX_CALLBACK_BODY), validate("json", ProgressReport), async (c) => {
    const report = c.req.valid("json");
    return c.json(await run(c, { type: "progress", attempt: c.var.attempt, report }));
  })

  .post("/:id/callbacks/heartbeat", async (c) => {
    return c.json(await run(c, { type: "heartbeat", attempt: c.var.attempt }));
  })

  .post("/:id/callbacks/complete", jsonBody(MAX_CALLBACK_BODY, { optional: true }), validate("json", CompleteReport), async (c) => {
    const report = c.req.valid("json");
    return c.json(await run(c, { type: "complete", attempt: c.var.attempt, report }));
  })

  .post("/:id/callbacks/error", jsonBody(MAX_CALLBACK_BODY), validate("json", ErrorReport), async (c) => {
    const report = c.req.valid("json");
    return c.json(await run(c, { type: "error", attempt: c.var.attempt, report }));
  })

  .post("/:id/callbacks/release", jsonBody(MAX_CALLBACK_BODY, { optional: true }), validate("json", ReleaseReport), async (c) => {
    const report = c.req.valid("json");
    return c.json(await run(c, { type: "release", attempt: c.var.attempt, report }));
  })

  .post("/:id/callbacks/log", jsonBody(MAX_LOG_BODY), validate("json", LogReport), async (c) => {
    const { lines } = c.req.valid("json");
    return c.json(answered(c, await jobObject(c.env, c.req.param("id")).log(c.var.attempt, lines)));
  })

  .put("/:id/callbacks/preview", validate("query", PreviewQuery), async (c) => {
    const id = c.req.param("id");
    // Only the current attempt of a running job may show a preview; once stored it also counts as word from it.
    await requireReportingAttempt(c, id, c.var.attempt);
    const preview = await storePreview(c.env.OUTPUTS, id, c.req.raw, c.req.valid("query").frame ?? null, Date.now());
    await run(c, { type: "heartbeat", attempt: c.var.attempt });
    return c.json(answered(c, await jobObject(c.env, id).setPreview(c.var.attempt, preview)));
  })

  /** The channel: upgraded here, held by the job's object as this attempt's worker socket. */
  .get("/:id/callbacks/ws", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "upgrade_required", "connect with a WebSocket client (Upgrade: websocket)");
    }
    const headers = new Headers({ upgrade: "websocket", [WORKER_ATTEMPT_HEADER]: String(c.var.attempt) });
    const res = await jobObject(c.env, c.req.param("id")).fetch(new Request(c.req.url, { headers }));
    if (res.status === 101) return res;
    const body = (await res.json()) as { error: { code: string; message: string } };
    throw new ApiError(res.status as 404 | 409, body.error.code, body.error.message);
  })

  .put("/:id/callbacks/output", validate("query", OutputQuery), async (c) => {
    const id = c.req.param("id");
    const attempt = c.var.attempt;
    const upload = checkUpload(c.req.raw, c.var.config.maxOutputBytes);
    await requireReportingAttempt(c, id, attempt);
    const output = await storeOutput(c.env.OUTPUTS, c.req.raw, upload, {
      jobId: id,
      attempt,
      filename: c.req.valid("query").filename,
    });
    try {
      return c.json(await run(c, { type: "output", attempt, output }));
    } catch (err) {
      // The job moved on while the bytes were in flight (e.g. canceled): keep no orphan.
      await c.env.OUTPUTS.delete(output.key);
      throw err;
    }
  });
