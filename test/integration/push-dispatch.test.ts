import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
import type { StatsResponse } from "../../workers/protocol";
import { api, callback, createJob, getJob, postJson, sleep, withKey } from "../helpers";

type Call = { url: string; jobId: string | null };
type Behaviour = (url: URL, signal: AbortSignal | undefined) => Promise<Response>;

let calls: Call[] = [];
/** How the fake GPU provider answers, per endpoint host; the default accepts every run. */
let provider: Record<string, Behaviour> = {};
let runs = 0;

const accept: Behaviour = async () => Response.json({ id: `run-${++runs}`, status: "IN_QUEUE" });
const unavailable: Behaviour = async () => Response.json({ error: "no capacity" }, { status: 503 });
const unreachable: Behaviour = async () => {
  throw new TypeError("connect ECONNREFUSED");
};
const hangs: Behaviour = (_url, signal) =>
  new Promise((_resolve, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));

beforeEach(() => {
  calls = [];
  provider = {};
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".test")) return realFetch(input, init);
    const body = request.method === "POST" && url.pathname === "/run" ? await request.json<{ input: { job_id: string } }>() : null;
    calls.push({ url: url.origin + url.pathname, jobId: body?.input.job_id ?? null });
    return (provider[url.hostname] ?? accept)(url, init?.signal ?? undefined);
  });
});

afterEach(() => vi.restoreAllMocks());

async function waitForStatus(id: string, status: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(id);
    if (job.status === status) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${job.status}, not ${status}; calls: ${JSON.stringify(calls)}`);
    await sleep(100);
  }
}

const runCallsOf = (jobId: string) => calls.filter((c) => c.jobId === jobId).map((c) => new URL(c.url).hostname);

/** Waits until the queue's own first delivery of a job has tried `n` endpoints (and given its lock back). */
async function waitForRunCalls(jobId: string, n: number) {
  const deadline = Date.now() + 8000;
  while (runCallsOf(jobId).length < n) {
    if (Date.now() > deadline) throw new Error(`only ${runCallsOf(jobId).length} calls for ${jobId}`);
    await sleep(50);
  }
  await sleep(700); // past the last call's 300 ms timeout and the lock's release
}

/** Runs the Worker's queue handler on hand-made messages. */
async function deliver(queue: string, body: unknown, attempts: number) {
  const batch = createMessageBatch(queue, [{ id: `msg-${Math.random()}`, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("push dispatch through the queue to GPU endpoints", { timeout: 15_000 }, () => {
  it("sends jobs round-robin, each with its callback credentials, and the job starts", async () => {
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await createJob({ kind: "push.render", dispatch: "push", input: { n: i } }));
    for (const created of jobs) await waitForStatus(created.job.id, "running");
    const firstEndpoints = jobs.map((j) => runCallsOf(j.job.id)[0]);
    expect(new Set(firstEndpoints).size).toBe(3);
    const running = await getJob(jobs[0]!.job.id);
    expect(running.attempt).toBe(1);
  });

  it("fails over on a 5xx, a network error and a timeout, and shows each endpoint's health", async () => {
    provider = { "gpu-a.test": unavailable, "gpu-b.test": unreachable, "gpu-c.test": hangs };
    const created = await createJob({ kind: "push.render", dispatch: "push" });
    await waitForRunCalls(created.job.id, 3);
    provider = { "gpu-a.test": unavailable, "gpu-b.test": unreachable };
    // The first delivery saw all three fail; the test delivers the retry itself instead of waiting for the backoff.
    const retried = await deliver("export-push", { job_id: created.job.id, attempt: 1 }, 2);
    expect(retried.explicitAcks.length).toBe(1);
    await waitForStatus(created.job.id, "running");
    const tried = runCallsOf(created.job.id);
    expect(tried.slice(0, 3).sort()).toEqual(["gpu-a.test", "gpu-b.test", "gpu-c.test"]);
    expect(tried.at(-1)).toBe("gpu-c.test");

    const stats = await (await api("/api/stats", { headers: withKey() })).json<StatsResponse>();
    const health = Object.fromEntries(stats.dispatch!.endpoints.map((e) => [new URL(e.url).hostname, e]));
    expect(health["gpu-a.test"]!.last_error).toMatch(/HTTP 503/);
    expect(health["gpu-b.test"]!.last_error).toMatch(/ECONNREFUSED/);
    expect(health["gpu-c.test"]!.last_success_at).not.toBeNull();
    expect(health["gpu-c.test"]!.recent_failures).toBeGreaterThanOrEqual(1);
  });

  it("retries with backoff when every endpoint fails, then fails the job with the reasons", async () => {
    provider = { "gpu-a.test": unavailable, "gpu-b.test": unavailable, "gpu-c.test": unavailable };
    const created = await createJob({ kind: "push.render", dispatch: "push" });
    const id = created.job.id;
    await waitForRunCalls(id, 3); // the queue's own delivery: it retries later
    const retry = await deliver("export-push", { job_id: id, attempt: 1 }, 2);
    // Retried (with pushRetryDelaySeconds(2) = 10 s: getQueueResult does not report delays; see the unit test).
    expect(retry.retryMessages.length).toBe(1);
    expect(retry.explicitAcks.length).toBe(0);
    const last = await deliver("export-push", { job_id: id, attempt: 1 }, 3);
    expect(last.explicitAcks.length).toBe(1);
    const job = await waitForStatus(id, "failed");
    expect(job.error?.message).toMatch(/no GPU endpoint took the job after 3 tries: HTTP 503/);
  });

  it("retries a poison message (it reaches the dead-letter queue), whose consumer fails the job", async () => {
    const poison = await deliver("export-push", "not a push message", 1);
    expect(poison.retryMessages.length).toBe(1);

    provider = { "gpu-a.test": unavailable, "gpu-b.test": unavailable, "gpu-c.test": unavailable };
    const created = await createJob({ kind: "push.render", dispatch: "push" });
    const dead = await deliver("export-push-dlq", { job_id: created.job.id, attempt: 1 }, 11);
    expect(dead.explicitAcks.length).toBe(1);
    const job = await waitForStatus(created.job.id, "failed");
    expect(job.error?.message).toMatch(/dead-lettered/);
  });

  it("cancels the run at its provider when the job is canceled, and the GPU's callbacks hear canceled", async () => {
    const created = await createJob({ kind: "push.render", dispatch: "push" });
    await waitForStatus(created.job.id, "running");
    const cancel = await postJson(`/api/jobs/${created.job.id}/cancel`, { reason: "not needed" }, withKey());
    expect(cancel.status).toBe(200);
    // The provider hears of it after the answer (an after-commit effect), exactly once.
    const cancelCalls = () => calls.filter((c) => c.url.includes("/cancel/run-"));
    await vi.waitFor(() => expect(cancelCalls().length).toBe(1));
    expect((await callback(created, "heartbeat")).body.canceled).toBe(true);
  });
});
