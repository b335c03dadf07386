/**
 * `npm run play`: plays the GPU worker against a running dev server, so a
 * person can watch a job move on its WebSocket. It creates a job, reports
 * progress ("render" then "encode"), sends a heartbeat, uploads a small SVG it
 * makes (a labeled test file, not a real render), completes the job, then
 * downloads the output from its signed link and checks the bytes round-trip.
 * With --fail it reports a non-retryable error instead of completing.
 *
 * Exit codes: 0 when the run ends as asked (or the job was canceled, which a
 * worker obeys by stopping), 1 on any HTTP or network error, 2 on bad flags.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import {
  CallbackAnswer,
  CreateJobResponse,
  JobLinks,
  JobWithInput,
  type CallbackName,
  type CreateJobBody,
  type ErrorReport,
  type ProgressReport,
} from "../workers/protocol";
import { expectOk, httpError, reach, readApiKey, runMain, send, Stop } from "./lib/api-client";
import { parseFlags } from "./lib/flags";

const USAGE = `usage: npm run play -- [--url URL] [--steps N] [--delay MS] [--kind KIND] [--fail]
  --url    dev server (default http://localhost:8787)
  --steps  progress reports, split between "render" and "encode" (default 6)
  --delay  pause between reports in ms (default 300)
  --kind   the job's kind (default play-render)
  --fail   report a non-retryable error instead of uploading and completing
The API key comes from $API_KEY, else from .dev.vars.`;

const FLAGS = {
  url: { type: "string", default: "http://localhost:8787" },
  steps: { type: "string", default: "6" },
  delay: { type: "string", default: "300" },
  kind: { type: "string", default: "play-render" },
  fail: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The command-line flags, checked; a bad one stops the run with the usage. */
function readOptions() {
  const values = parseFlags(FLAGS, USAGE);
  const steps = Number(values.steps);
  const delayMs = Number(values.delay);
  if (!Number.isInteger(steps) || steps < 1) throw new Stop(`--steps must be a whole number >= 1\n${USAGE}`, 2);
  if (!Number.isInteger(delayMs) || delayMs < 0) throw new Stop(`--delay must be a whole number of ms >= 0\n${USAGE}`, 2);
  return { baseUrl: values.url.replace(/\/+$/, ""), steps, delayMs, kind: values.kind, fail: values.fail };
}

/** Makes the file the worker uploads: a small SVG that says what it is. */
function makeOutput(jobId: string, kind: string, steps: number): Uint8Array {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120" viewBox="0 0 480 120">
  <!-- play-gpu-worker test output: NOT a real render -->
  <rect width="480" height="120" fill="#1e293b"/>
  <text x="16" y="36" fill="#f8fafc" font-family="monospace" font-size="16">play-gpu-worker test output (not a real render)</text>
  <text x="16" y="66" fill="#94a3b8" font-family="monospace" font-size="13">job ${jobId} kind ${kind}</text>
  <text x="16" y="90" fill="#94a3b8" font-family="monospace" font-size="13">${steps} steps, made ${new Date().toISOString()}</text>
</svg>
`;
  return new TextEncoder().encode(svg);
}

/** The answer to GET /api/jobs/:id. */
const JobRead = z.object({ job: JobWithInput, links: JobLinks });

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

async function main(): Promise<void> {
  const options = readOptions();
  const apiAuth = { authorization: `Bearer ${readApiKey()}` };
  const jobsUrl = `${options.baseUrl}/api/jobs`;

  const body: CreateJobBody = {
    kind: options.kind,
    input: { source: "play-gpu-worker", steps: options.steps, delay_ms: options.delayMs },
  };
  const createInit = { method: "POST", headers: { ...apiAuth, "content-type": "application/json" }, body: JSON.stringify(body) };
  const { job, callback, links } = expectOk("create job", await send("create job", jobsUrl, createInit), CreateJobResponse);
  console.log(`job      ${job.id} (kind ${job.kind}, attempt ${callback.attempt})`);
  console.log(`page     ${options.baseUrl}/jobs/${job.id}`);
  console.log(`ws       ${links.ws}`);

  /** Calls back as the GPU worker; any answer that says canceled stops the run. */
  async function report(name: CallbackName, init: RequestInit, query = ""): Promise<CallbackAnswer> {
    const what = `${name} callback`;
    const reply = await send(what, `${callback.url}/${name}${query}`, {
      ...init,
      headers: { authorization: `Bearer ${callback.token}`, ...init.headers },
    });
    const answer = CallbackAnswer.safeParse(reply.body);
    if (answer.success && answer.data.canceled) {
      throw new Stop(`job ${job.id} was canceled (answer to ${name}); stopping as a worker should`, 0);
    }
    return expectOk(what, reply, CallbackAnswer);
  }
  const json = { "content-type": "application/json" };
  const postJson = (payload: unknown): RequestInit => ({ method: "POST", headers: json, body: JSON.stringify(payload) });

  const renderSteps = Math.ceil(options.steps / 2);
  for (let done = 1; done <= options.steps; done++) {
    const stage = done <= renderSteps ? "render" : "encode";
    const progress: ProgressReport = { done, total: options.steps, stage, message: `${stage} step ${done}/${options.steps}` };
    const answer = await report("progress", postJson(progress));
    console.log(`progress ${stage.padEnd(6)} ${done}/${options.steps} (${Math.round((done / options.steps) * 100)}%) -> ${answer.status}`);
    if (done === renderSteps) console.log(`heartbeat -> ${(await report("heartbeat", { method: "POST" })).status}`);
    await sleep(options.delayMs);
  }

  if (options.fail) {
    const error: ErrorReport = { error: "play-gpu-worker: simulated encoder crash (--fail)", retryable: false };
    const answer = await report("error", postJson(error));
    console.log(`error    reported (non-retryable) -> ${answer.status}`);
    if (answer.status !== "failed") throw new Stop(`expected the job to be failed, but it is ${answer.status}`, 1);
    return;
  }

  const bytes = makeOutput(job.id, job.kind, options.steps);
  const filename = `play-${job.id}.svg`;
  const uploadHeaders = { "content-type": "image/svg+xml", "content-length": String(bytes.byteLength) };
  const upload = { method: "PUT", headers: uploadHeaders, body: bytes };
  const uploaded = await report("output", upload, `?filename=${encodeURIComponent(filename)}`);
  console.log(`output   ${filename}, ${bytes.byteLength} bytes, sha256 ${sha256(bytes)}… -> ${uploaded.status}`);
  const completed = await report("complete", postJson({ message: "play-gpu-worker finished" }));
  console.log(`complete -> ${completed.status}`);

  const read = expectOk("read job", await send("read job", `${jobsUrl}/${job.id}`, { headers: apiAuth }), JobRead);
  const link = read.job.download;
  if (read.job.status !== "completed" || !link) {
    throw new Stop(`expected a completed job with a download link, got ${read.job.status}`, 1);
  }
  const res = await reach("download", link.url);
  if (!res.ok) throw httpError("download", res.status, await res.json().catch(() => null));
  const downloaded = new Uint8Array(await res.arrayBuffer());
  if (!Buffer.from(downloaded).equals(Buffer.from(bytes))) {
    throw new Stop(`download: got ${downloaded.byteLength} bytes (sha256 ${sha256(downloaded)}…), not what was uploaded`, 1);
  }
  console.log(`download ${downloaded.byteLength} bytes match, content-type ${res.headers.get("content-type")}`);
  console.log(`link     ${link.url} (expires ${link.expires_at})`);
}

runMain(main);
