/**
 * The reference agent rides out a restart of the tracker: `wrangler dev` is stopped and started
 * again mid-render, the agent's callbacks keep retrying (for up to the job's heartbeat timeout),
 * and the same attempt carries on to completion instead of a re-queue and a render from 0 %.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { CreateJobResponse, JobWithInput } from "../../workers/protocol";
import { startAgent, type AgentProcess } from "./agent-process";
import { startDevServer, type DevServer } from "./dev-server";

let server: DevServer;
let agent: AgentProcess;

beforeAll(async () => {
  server = await startDevServer();
  agent = startAgent(server, ["--concurrency", "1", "--pace", "60", "--name", "e2e-restart-agent"]);
}, 90_000);

afterAll(async () => {
  agent?.stop();
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
    if (Date.now() > deadline) throw new Error(`job ${id} stayed ${job?.status}:\n${agent.log()}`);
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
  expect(job, agent.log()).toMatchObject({ status: "completed", attempt: 1 });
  expect(job.progress.percent).toBe(100);
  expect(before.attempt).toBe(1);
  // The agent did meet the outage: its channel reconnected (or its HTTP callbacks were retried) rather than giving up.
  expect(agent.log()).toMatch(/"event":"(channel\.dropped|http\.retry)"/);
  expect(agent.log()).not.toMatch(/"event":"job\.abandoned"/);
}, 240_000);
