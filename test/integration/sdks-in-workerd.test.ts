/**
 * The worker SDK and the backend client as installed packages, running
 * inside workerd (so on Workers) against the real Worker: their global
 * fetch is routed to the Worker's fetch handler.
 */
import { env, exports } from "cloudflare:workers";
import { TrackerClient, TrackerError } from "@export-tracker/backend";
import { JobCanceled, JobFailed, WorkerClient, type WorkEvent } from "@export-tracker/worker";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ORIGIN } from "../helpers";

const FAST = { baseDelayMs: 1, maxDelayMs: 2 };
const tracker = new TrackerClient({ baseUrl: ORIGIN, apiKey: env.API_KEY, retry: FAST });
const workerClient = (onRetry?: (what: string, n: number, reason: string) => void) =>
  new WorkerClient({ baseUrl: ORIGIN, workerKey: env.WORKER_KEY, worker: "sdk-test", retry: FAST, onRetry });

/** Runs `work()` until it reports one job's end. */
async function workOne(kind: string, handler: Parameters<WorkerClient["work"]>[1]): Promise<WorkEvent> {
  const stop = new AbortController();
  let ended: WorkEvent | undefined;
  await workerClient().work({ kinds: [kind], wait_seconds: 0, signal: stop.signal, onEvent: (event) => {
    ended = event;
    stop.abort();
  } }, handler);
  return ended!;
}

beforeEach(() => {
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => exports.default.fetch(new Request(input, init)));
});
afterEach(() => vi.restoreAllMocks());

describe("@export-tracker/worker in workerd", () => {
  it("runs a pull job through work(): progress, upload, and complete when the handler returns", async () => {
    const { job } = await tracker.createJob({ kind: "sdk.ok", dispatch: "pull", input: { scene: 1 } });
    const event = await workOne("sdk.ok", async (attempt, lease) => {
      expect(lease.job.input).toEqual({ scene: 1 });
      await attempt.progress({ done: 1, total: 2, stage: "render" });
      await attempt.upload("rendered", "text/plain", "out.txt");
    });
    expect(event).toEqual({ type: "completed", jobId: job.id });
    const read = await tracker.getJob(job.id);
    expect(read.job).toMatchObject({ status: "completed", output: { filename: "out.txt", size: 8 } });
  });

  it("fails the job for good when the handler throws JobFailed that is not retryable", async () => {
    const { job } = await tracker.createJob({ kind: "sdk.bad", dispatch: "pull" });
    const event = await workOne("sdk.bad", async () => {
      throw new JobFailed("the scene file is corrupt", false);
    });
    expect(event).toMatchObject({ type: "failed", jobId: job.id, retryable: false });
    expect((await tracker.getJob(job.id)).job).toMatchObject({ status: "failed", error: { message: "the scene file is corrupt" } });
  });

  it("throws JobCanceled at the first report after the job was canceled", async () => {
    const created = await tracker.createJob({ kind: "sdk.cancel" });
    const attempt = workerClient().attempt(created);
    await attempt.progress({ percent: 10 });
    await tracker.cancelJob(created.job.id, { reason: "no longer needed" });
    await expect(attempt.progress({ percent: 20 })).rejects.toBeInstanceOf(JobCanceled);
  });

  it("retries a report after 503s until it lands", async () => {
    const created = await tracker.createJob({ kind: "sdk.retry" });
    const route = vi.mocked(globalThis.fetch).getMockImplementation()!;
    vi.mocked(globalThis.fetch)
      .mockResolvedValueOnce(new Response("busy", { status: 503 }))
      .mockResolvedValueOnce(new Response("busy", { status: 503 }))
      .mockImplementation(route);
    const retries: string[] = [];
    const answer = await workerClient((_what, _n, reason) => retries.push(reason)).attempt(created).progress({ percent: 40 });
    expect(answer).toMatchObject({ ok: true, status: "running" });
    expect(retries).toEqual(["HTTP 503", "HTTP 503"]);
  });

  it("retries a success without a JSON body, which is not the tracker's answer", async () => {
    const created = await tracker.createJob({ kind: "sdk.proxy" });
    const route = vi.mocked(globalThis.fetch).getMockImplementation()!;
    vi.mocked(globalThis.fetch)
      .mockResolvedValueOnce(new Response("<html>restarting</html>", { status: 200, headers: { "content-type": "text/html" } }))
      .mockImplementation(route);
    const retries: string[] = [];
    const answer = await workerClient((_what, _n, reason) => retries.push(reason)).attempt(created).progress({ percent: 30 });
    expect(answer).toMatchObject({ ok: true, status: "running" });
    expect(retries).toEqual(["HTTP 200 without a JSON body"]);
  });

  it("keeps retrying an attempt's report past its tries while the lease's heartbeat timeout lasts", async () => {
    const created = await tracker.createJob({ kind: "sdk.patient" });
    const route = vi.mocked(globalThis.fetch).getMockImplementation()!;
    vi.mocked(globalThis.fetch)
      .mockRejectedValueOnce(new TypeError("connect ECONNREFUSED"))
      .mockRejectedValueOnce(new TypeError("connect ECONNREFUSED"))
      .mockResolvedValueOnce(new Response("busy", { status: 503 }))
      .mockImplementation(route);
    const client = new WorkerClient({ baseUrl: ORIGIN, workerKey: env.WORKER_KEY, worker: "sdk-test", retry: { ...FAST, tries: 1 } });
    const attempt = client.attempt({ ...created, lease: { heartbeat_timeout_seconds: 60 } });
    expect(await attempt.progress({ percent: 50 })).toMatchObject({ ok: true, status: "running" });
  });

  it("gives up after its tries when the attempt has no lease to be patient for", async () => {
    const created = await tracker.createJob({ kind: "sdk.impatient" });
    vi.mocked(globalThis.fetch).mockRejectedValueOnce(new TypeError("connect ECONNREFUSED"));
    const client = new WorkerClient({ baseUrl: ORIGIN, workerKey: env.WORKER_KEY, worker: "sdk-test", retry: { ...FAST, tries: 1 } });
    await expect(client.attempt(created).progress({ percent: 50 })).rejects.toThrow(/gave up after 1 tries .*ECONNREFUSED/);
  });

  it("releases a leased job: queued again at once, no attempt spent", async () => {
    const { job } = await tracker.createJob({ kind: "sdk.release", dispatch: "pull", max_attempts: 1 });
    const lease = (await workerClient().lease({ kinds: ["sdk.release"], wait_seconds: 0 }))!;
    expect(lease.job.id).toBe(job.id);
    const attempt = workerClient().attempt(lease);
    expect(await attempt.release({ reason: "draining" })).toMatchObject({ ok: true, status: "queued", attempt: 2 });
    expect(attempt.finished).toBe(true);
    expect((await tracker.getJob(job.id)).job).toMatchObject({ status: "queued", attempt: 2, max_attempts: 2, error: null });
  });
});

describe("@export-tracker/backend in workerd", () => {
  it("answers the same job for a repeated Idempotency-Key", async () => {
    const first = await tracker.createJob({ kind: "sdk.idem", input: { n: 1 } }, { idempotencyKey: "order-sdk-1" });
    const again = await tracker.createJob({ kind: "sdk.idem", input: { n: 1 } }, { idempotencyKey: "order-sdk-1" });
    expect(again.job.id).toBe(first.job.id);
  });

  it("lists, cancels, retries and mints a viewer token for a job", async () => {
    const { job } = await tracker.createJob({ kind: "sdk.life" });
    expect((await tracker.listJobs({ limit: 100 })).jobs.map((j) => j.id)).toContain(job.id);
    expect((await tracker.cancelJob(job.id)).job.status).toBe("canceled");
    const retried = await tracker.retryJob(job.id);
    expect([retried.job.status, retried.callback.attempt]).toEqual(["queued", 2]);
    expect((await tracker.callback(job.id)).attempt).toBe(2);
    const viewer = await tracker.viewerToken({ job_id: job.id, ttl_seconds: 120 });
    expect(viewer.job_id).toBe(job.id);
    const asViewer = new TrackerClient({ baseUrl: ORIGIN, apiKey: viewer.token });
    expect((await asViewer.getJob(job.id)).job.id).toBe(job.id);
  });

  it("throws TrackerError with the API's status and code", async () => {
    const error = await tracker.getJob("job_aaaaaaaaaaaaaaaaaaaaaaaaaa").catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TrackerError);
    expect(error).toMatchObject({ status: 404, code: "job_not_found" });
  });
});
