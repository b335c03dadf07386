import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobEvent, ServerMessage, ViewerTokenResponse } from "../../workers/protocol";
import { startDevServer, type DevServer } from "./dev-server";

const ROOT = join(import.meta.dirname, "../..");
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

interface PlayRun {
  /** The job id, as soon as the script prints it. */
  jobId: Promise<string>;
  /** Exit code and everything it printed. */
  exit: Promise<{ code: number | null; output: string }>;
}

/** Runs the player script (`npm run play`) against the dev server. */
function play(...args: string[]): PlayRun {
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["scripts/play-gpu-worker.ts", "--url", server.url, ...args], {
    cwd: ROOT,
    env: { ...process.env, API_KEY: server.apiKey },
  });
  let output = "";
  const jobId = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = /^job\s+(job_[a-z2-7]+)/m.exec(output);
      if (match) resolve(match[1]!);
    });
    child.on("exit", () => reject(new Error(`no job id printed:\n${output}`)));
  });
  child.stderr.on("data", (chunk) => (output += chunk));
  const exit = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, output })),
  );
  return { jobId, exit };
}

/** A job-scoped viewer token, as a customer's backend would hand one to a browser. */
async function viewerToken(jobId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/viewer-tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ job_id: jobId }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as ViewerTokenResponse).token;
}

/** Follows a job's socket like a browser (viewer token in the query) from its first event until it completes or fails. */
async function follow(jobId: string): Promise<JobEvent[]> {
  const token = await viewerToken(jobId);
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/api/jobs/${jobId}/ws?since=0&token=${token}`);
  const events: JobEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${events.map((e) => e.type).join(", ")}`)), 30_000);
    ws.onmessage = (e) => {
      const message = JSON.parse(String(e.data)) as ServerMessage;
      if (message.type === "error" || message.type === "job:snapshot") return reject(new Error(`unexpected ${message.type}`));
      events.push(message);
      if (message.type === "job:completed" || message.type === "job:failed") {
        clearTimeout(timer);
        ws.close();
        resolve(events);
      }
    };
    ws.onerror = () => reject(new Error("socket error"));
  });
}

describe("the player script against a real dev server", () => {
  it("runs a job to a download whose bytes match while a browser-like watcher sees every step in order", async () => {
    const run = play("--steps", "4", "--delay", "150");
    const events = await follow(await run.jobId);
    const { code, output } = await run.exit;
    expect(code, output).toBe(0);
    expect(output).toMatch(/download\s+\d+ bytes match/);
    expect(output).toContain(`page     ${server.url}/jobs/${await run.jobId}`);

    expect(events.map((m) => m.seq)).toEqual(events.map((_, i) => i + 1));
    const percents = events.filter((m) => m.type === "job:progress").map((m) => m.job.progress.percent);
    expect(percents).toEqual([25, 50, 75, 100]);
    const completed = events.at(-1)!;
    expect(completed.type).toBe("job:completed");
    expect(completed.job.download?.url).toContain(`${server.url}/api/jobs/`);
  }, 60_000);

  it("reports a failure with --fail, and the job ends failed with its error", async () => {
    const run = play("--steps", "2", "--delay", "0", "--fail");
    const events = await follow(await run.jobId);
    expect((await run.exit).code).toBe(0);
    const last = events.at(-1)!;
    expect(last.type).toBe("job:failed");
    expect(last.job.error?.message.length).toBeGreaterThan(0);
  }, 60_000);
});
