import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderGif } from "../../scripts/agent/gif-render";
import { CreateJobResponse, JobWithInput, type CreateJobBody } from "../../workers/protocol";
import { startAgent, type AgentProcess } from "./agent-process";
import { startDevServer, type DevServer } from "./dev-server";

let server: DevServer;
let agent: AgentProcess;

/** The agent's JSON log lines so far. */
const agentEvents = () =>
  agent
    .log()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown> & { event: string });

beforeAll(async () => {
  server = await startDevServer();
  agent = startAgent(server, ["--concurrency", "2", "--pace", "40", "--grace", "5", "--name", "e2e-agent"]);
}, 90_000);

afterAll(async () => {
  agent?.stop();
  await server?.stop();
});

const apiHeaders = () => ({ authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" });

async function create(body: CreateJobBody) {
  const res = await fetch(`${server.url}/api/jobs`, { method: "POST", headers: apiHeaders(), body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return CreateJobResponse.parse(await res.json());
}

async function read(id: string) {
  const res = await fetch(`${server.url}/api/jobs/${id}`, { headers: apiHeaders() });
  return JobWithInput.parse(((await res.json()) as { job: unknown }).job);
}

async function waitFor(id: string, done: (job: JobWithInput) => boolean, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await read(id);
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} stayed ${job.status}:\n${agent.log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("the reference agent against a real dev server", () => {
  it("leases pull jobs, renders them, and each download is the bytes the agent produced", async () => {
    const inputs = [
      { frames: 8, width: 64, height: 40, text: "one" },
      { frames: 12, width: 96, height: 54, text: "two" },
      { frames: 6, width: 48, height: 32, text: "three" },
    ];
    const jobs = await Promise.all(inputs.map((input) => create({ kind: "gif.render", dispatch: "pull", input })));
    for (const [i, created] of jobs.entries()) {
      const job = await waitFor(created.job.id, (j) => j.status === "completed" || j.status === "failed");
      expect(job.status, agent.log()).toBe("completed");
      expect(job.progress).toMatchObject({ percent: 100, stage: "upload" });
      const res = await fetch(job.download!.url);
      expect(res.headers.get("content-type")).toBe("image/gif");
      const bytes = new Uint8Array(await res.arrayBuffer());
      const logged = agentEvents().find((e) => e.event === "job.completed" && e.job_id === created.job.id);
      expect(logged?.sha256).toBe(sha256(bytes));
      expect(sha256(bytes)).toBe(sha256(renderGif(inputs[i])));
      expect(Buffer.from(bytes.subarray(0, 6)).toString()).toBe("GIF89a");
    }
  }, 60_000);

  it("stops work on a job canceled mid-run, and on SIGTERM releases its lease back to the queue", async () => {
    const canceled = await create({ kind: "gif.render", dispatch: "pull", input: { frames: 200, width: 32, height: 24 } });
    await waitFor(canceled.job.id, (j) => j.status === "running" && j.progress.percent > 0);
    await fetch(`${server.url}/api/jobs/${canceled.job.id}/cancel`, { method: "POST", headers: apiHeaders(), body: "{}" });
    const deadline = Date.now() + 10_000;
    while (!agentEvents().some((e) => e.event === "job.canceled" && e.job_id === canceled.job.id)) {
      if (Date.now() > deadline) throw new Error(`the agent did not stop:\n${agent.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const long = await create({ kind: "gif.render", dispatch: "pull", input: { frames: 240, width: 32, height: 24 } });
    await waitFor(long.job.id, (j) => j.status === "running" && j.progress.percent > 0);
    const exited = new Promise<number | null>((resolve) => agent.child.once("exit", resolve));
    agent.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const job = await read(long.job.id);
    // Released, not failed: a new attempt at once, and max_attempts grew by one (no attempt spent).
    expect(job).toMatchObject({ status: "queued", attempt: 2, max_attempts: long.job.max_attempts + 1, error: null });
  }, 60_000);
});
