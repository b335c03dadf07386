/**
 * The reference agent rides out a restart of the tracker: `wrangler dev` is stopped and started
 * again mid-render, the agent's callbacks keep retrying (for up to the job's heartbeat timeout),
 * and the same attempt carries on to completion instead of a re-queue and a render from 0 %.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CreateJobResponse, JobWithInput } from "../../workers/protocol";
import { startDevServer, type DevServer } from "./dev-server";

const ROOT = join(import.meta.dirname, "../..");
let server: DevServer;
let agent: ChildProcess;
let agentLog = "";

beforeAll(async () => {
  server = await startDevServer();
  agent = spawn(
    join(ROOT, "node_modules/.bin/tsx"),
    ["scripts/agent/agent.ts", "--url", server.url, "--concurrency", "1", "--pace", "60", "--name", "e2e-restart-agent"],
    { cwd: ROOT, env: { ...process.env, WORKER_KEY: server.workerKey } },
  );
  agent.stdout!.on("data", (chunk) => (agentLog += chunk));
  agent.stderr!.on("data", (chunk) => (agentLog += chunk));
}, 90_000);

afterAll(async () => {
  if (agent && agent.exitCode === null) agent.kill("SIGKILL");
  await server?.stop();
});

const headers = () => ({ authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" });

async function read(id: string): Promise<JobWithInput> {
  const res = await fetch(`${server.url}/api/jobs/${id}`, { headers: headers() });
  return JobWithInput.parse(((await res.json()) as { job: unknown }).job);
}

async function waitFor(id: string, done: (job: JobWithInput) => boolean, timeoutMs: number): Promise<JobWithInput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await read(id).catch(() => null);
    if (job && done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} stayed ${job?.status}:\n${agentLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it("finishes the same attempt when the dev server restarts mid-render", async () => {
  const res = await fetch(`${server.url}/api/jobs`, {
    method: "POST",
    headers: headers(),
    body: JSON.stringify({ kind: "gif.render", dispatch: "pull", input: { frames: 240, width: 32, height: 24 } }),
  });
  const created = CreateJobResponse.parse(await res.json());
  const before = await waitFor(created.job.id, (j) => j.status === "running" && j.progress.percent >= 5, 60_000);

  await server.restart({ downMs: 2000 });

  const job = await waitFor(created.job.id, (j) => j.status === "completed" || j.status === "failed" || j.attempt > 1, 120_000);
  expect(job, agentLog).toMatchObject({ status: "completed", attempt: 1 });
  expect(job.progress.percent).toBe(100);
  expect(before.attempt).toBe(1);
  // The agent did meet the outage: its channel reconnected (or its HTTP callbacks were retried) rather than giving up.
  expect(agentLog).toMatch(/"event":"(channel\.dropped|http\.retry)"/);
  expect(agentLog).not.toMatch(/"event":"job\.abandoned"/);
}, 240_000);
