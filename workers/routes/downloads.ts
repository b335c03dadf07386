/**
 * GET /api/jobs/:id/download: the job's output from R2. A signed link
 * (?expires&sig) is all a browser needs; with an API key or a viewer token
 * instead, the caller is redirected to a fresh signed link. Range, ETag and
 * Content-Disposition are honoured, so players can seek and downloads resume.
 */
import { Hono, type Context } from "hono";
import { mayRead, requireReader } from "../auth/principal";
import { verifyDownloadSignature } from "../auth/download-link";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { hasDownload, type JobState } from "../jobs/job";
import { jobNotFound, jobObject, validJobId } from "../jobs/job-object";
import { downloadLinkFor } from "../jobs/links";
import { parseRange } from "../outputs/range";

/** The output of a job that has one, as a response honouring Range and If-None-Match. */
/** A completed job whose output retention deleted: 410, so a caller knows it is gone for good. */
function refuseDeletedOutput(job: JobState): void {
  if (job.outputDeletedAt !== undefined) {
    throw new ApiError(410, "output_expired", "the output was deleted by the retention policy (OUTPUT_RETENTION_HOURS)");
  }
}

async function streamOutput(c: Context<AppEnv>, job: JobState | null): Promise<Response> {
  if (!job) throw jobNotFound();
  refuseDeletedOutput(job);
  if (!hasDownload(job)) throw new ApiError(404, "no_output", `the job is ${job.status} and has no output to download`);
  const { output } = job;
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Content-Disposition": `attachment; filename="${output.filename}"`,
    "Cache-Control": "private, max-age=0, must-revalidate",
  });
  if (c.req.header("if-none-match") === output.etag) {
    headers.set("ETag", output.etag);
    return new Response(null, { status: 304, headers });
  }
  const range = parseRange(c.req.header("range") ?? null, output.size);
  if (range.kind === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${output.size}`);
    return c.json(
      { error: { code: "range_not_satisfiable", message: `the output is ${output.size} bytes` } },
      416,
      Object.fromEntries(headers),
    );
  }
  const object = await c.env.OUTPUTS.get(
    output.key,
    range.kind === "partial" ? { range: { offset: range.offset, length: range.length } } : {},
  );
  if (!object) throw new ApiError(404, "output_missing", "the output file is gone from storage");
  object.writeHttpMetadata(headers);
  headers.set("ETag", object.httpEtag);
  if (range.kind === "partial") {
    headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
    headers.set("Content-Length", String(range.length));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}

export const downloadRoutes = new Hono<AppEnv>().get(
  "/:id/download",
  validJobId,
  // A signed link is a credential of its own: it needs nothing else.
  async (c, next) => {
    const expires = c.req.query("expires");
    const sig = c.req.query("sig");
    if (expires === undefined && sig === undefined) return next();
    const id = c.req.param("id");
    const check = await verifyDownloadSignature(c.var.config.signingSecret, id, expires ?? "", sig ?? "", Date.now());
    if (check === "expired") throw new ApiError(403, "link_expired", "this download link has expired; ask for a new one");
    if (check === "invalid") throw new ApiError(403, "invalid_signature", "this download link is not valid");
    return streamOutput(c, await jobObject(c.env, id).read());
  },
  // Otherwise an API key or viewer token gets a redirect to a fresh signed link.
  requireReader({ query: true }),
  async (c) => {
    const job = await jobObject(c.env, c.req.param("id")).read();
    if (!job || !mayRead(c.var.principal, job.owner, job.id)) throw jobNotFound();
    refuseDeletedOutput(job);
    const link = await downloadLinkFor(job, c.var.config, Date.now());
    if (!link) throw new ApiError(404, "no_output", `the job is ${job.status} and has no output to download`);
    return c.redirect(link.url, 302);
  },
);
