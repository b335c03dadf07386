/**
 * /api/demo: a stand-in for the customer's backend, mounted only when
 * DEMO_MODE is "true" (npm run dev sets it; never in wrangler.toml). It holds
 * the API-key side so the pages served by this Worker never do: it mints
 * viewer tokens, creates jobs for the default owner, and cancels and retries
 * them. A real customer does the same from their own server.
 */
import { Hono } from "hono";
import { z } from "zod";
import { signViewerToken } from "../auth/viewer-token";
import type { Config } from "../config";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import { createJob, MAX_INPUT_BYTES } from "../jobs/create-job";
import { toJobView, type JobState } from "../jobs/job";
import { jobObject, refusalError, validJobId } from "../jobs/job-object";
import { downloadLinkFor } from "../jobs/links";
import { JobKind, JsonValue, type ViewerTokenResponse } from "../protocol";

/** The owner the demo plays: the one `npm run dev`'s local API key belongs to. */
const DEMO_OWNER = "default";
/** How long a demo viewer token lasts; the page asks for a new one before then. */
const VIEWER_TTL_SECONDS = 3600;

const DemoCreateBody = z.object({ kind: JobKind, input: z._default(JsonValue, {}) });

async function viewerToken(config: Config, jobId: string | null): Promise<ViewerTokenResponse> {
  const expiresAt = Date.now() + VIEWER_TTL_SECONDS * 1000;
  const token = await signViewerToken(config.signingSecret, { owner: DEMO_OWNER, jobId, expiresAt });
  return { token, job_id: jobId, expires_at: new Date(expiresAt).toISOString() };
}

async function jobView(job: JobState, config: Config) {
  return toJobView(job, await downloadLinkFor(job, config, Date.now()));
}

export const demoRoutes = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    if (c.env.DEMO_MODE !== "true") throw new ApiError(404, "not_found", "the demo backend is off (DEMO_MODE)");
    await next();
  })

  /** An owner-scoped viewer token: the signed-in user's session, in a real app. */
  .post("/session", async (c) => c.json(await viewerToken(c.var.config, null)))

  .post("/jobs", jsonBody(MAX_INPUT_BYTES * 2), validate("json", DemoCreateBody), async (c) => {
    const { config } = c.var;
    const { job } = await createJob(c.env, config, {
      owner: DEMO_OWNER,
      origin: new URL(c.req.url).origin,
      // Pull, so the agent `npm run dev` starts beside the server runs what the page starts.
      body: { ...c.req.valid("json"), dispatch: "pull" },
    });
    return c.json({ job: await jobView(job, config), viewer: await viewerToken(config, job.id) }, 201);
  })

  .post("/jobs/:id/cancel", validJobId, async (c) => {
    const outcome = await jobObject(c.env, c.req.param("id")).apply(
      { type: "cancel", reason: "canceled from the web app" },
      DEMO_OWNER,
    );
    if (!outcome.ok) throw refusalError(outcome.refusal);
    return c.json({ job: await jobView(outcome.job, c.var.config) });
  })

  .post("/jobs/:id/retry", validJobId, async (c) => {
    const outcome = await jobObject(c.env, c.req.param("id")).apply({ type: "retry" }, DEMO_OWNER);
    if (!outcome.ok) throw refusalError(outcome.refusal);
    return c.json({ job: await jobView(outcome.job, c.var.config) });
  });
