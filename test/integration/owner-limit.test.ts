/**
 * Per-owner concurrency: owner "limited" may run 2 jobs at once (OWNER_MAX_RUNNING in
 * vitest.config.ts). Pull leases and push sends count together; over the limit a job waits
 * queued, with its place in line and the reason in GET /api/jobs/:id and /api/stats.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { recordFor } from "../../workers/auth/api-keys";
import { insertApiKey } from "../../workers/db/api-keys";
import type { CreateJobResponse, LeaseResponse, QueueStanding, StatsResponse } from "../../workers/protocol";
import { api, callback, postJson, sleep } from "../helpers";

const CLIENT = "sk_test_limited_owner_key_000000000";
const WORKER = "wk_test_limited_owner_key_000000000";
const client = { authorization: `Bearer ${CLIENT}` };

beforeAll(async () => {
  for (const [key, role] of [[CLIENT, "client"], [WORKER, "worker"]] as const) {
    await insertApiKey(env.DB, (await recordFor(key, "limited", "limit test", Date.now(), role)).row);
  }
});

let sentTo: string[] = [];
beforeEach(() => {
  sentTo = [];
  const realFetch = globalThis.fetch;
  // The GPU provider behind GPU_ENDPOINTS (outside the product) accepts every run.
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!new URL(request.url).hostname.endsWith(".test")) return realFetch(input, init);
    const body = await request.json<{ input: { job_id: string } }>().catch(() => null);
    if (body) sentTo.push(body.input.job_id);
    return Response.json({ id: `run-${sentTo.length}`, status: "IN_QUEUE" });
  });
});
afterEach(() => vi.restoreAllMocks());

async function create(body: Record<string, unknown>): Promise<CreateJobResponse> {
  const res = await postJson("/api/jobs", { input: {}, ...body }, client);
  expect(res.status).toBe(201);
  return res.json();
}

/** Completes a leased job, freeing its slot. */
const finish = (leased: LeaseResponse) => callback({ job: { id: leased.job.id }, callback: leased.callback } as Parameters<typeof callback>[0], "complete");

async function lease(kind: string): Promise<LeaseResponse | null> {
  const res = await postJson("/api/worker/lease", { kinds: [kind], wait_seconds: 0 }, { authorization: `Bearer ${WORKER}` });
  return res.status === 200 ? res.json<LeaseResponse>() : null;
}

async function standing(id: string): Promise<{ status: string; queue: QueueStanding | null }> {
  const body = await (await api(`/api/jobs/${id}`, { headers: client })).json<{ job: { status: string }; queue: QueueStanding | null }>();
  return { status: body.job.status, queue: body.queue };
}

const stats = async () => (await (await api("/api/stats", { headers: client })).json<StatsResponse>()).dispatch!;

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

describe("an owner's running limit", () => {
  it("holds pull leases at the limit, shows why, and lets the next job go when one finishes", async () => {
    const kind = "limit.pull";
    const jobs = [await create({ kind, dispatch: "pull" }), await create({ kind, dispatch: "pull" }), await create({ kind, dispatch: "pull" })];
    const first = (await lease(kind))!;
    const second = (await lease(kind))!;
    expect([first.job.id, second.job.id]).toEqual([jobs[0]!.job.id, jobs[1]!.job.id]);
    expect(await lease(kind)).toBeNull();
    expect(await standing(jobs[2]!.job.id)).toEqual({ status: "queued", queue: { position: 1, reason: "owner_limit" } });
    expect(await stats()).toMatchObject({ running: 2, max_running: 2, waiting_for_limit: 1, leased: 2 });

    await finish(first);
    const third = await lease(kind);
    expect(third?.job.id).toBe(jobs[2]!.job.id);
    expect(await lease(kind)).toBeNull();
    await finish(second);
    await finish(third!);
  });

  it("holds a push job while the owner's pull jobs fill the limit, then sends it when a slot frees", async () => {
    const kind = "limit.mixed";
    await create({ kind, dispatch: "pull" });
    await create({ kind, dispatch: "pull" });
    const a = (await lease(kind))!;
    const b = (await lease(kind))!;
    const push = await create({ kind: "limit.push", dispatch: "push" });
    const held = await until("the push job held", () => standing(push.job.id), (s) => s.queue !== null);
    expect(held).toEqual({ status: "queued", queue: { position: 1, reason: "owner_limit" } });
    expect(sentTo).not.toContain(push.job.id);

    await finish(a);
    await until("the push job sent", () => standing(push.job.id), (s) => s.status === "running");
    expect(sentTo).toContain(push.job.id);
    expect(await lease(kind)).toBeNull(); // b and the push job fill the limit again
    await finish(b);
  });

  it("shows a queued job's place in line without a limit in the way", async () => {
    const kind = "limit.line";
    const first = await create({ kind, dispatch: "pull", priority: 5 });
    const second = await create({ kind, dispatch: "pull" });
    expect((await standing(first.job.id)).queue).toEqual({ position: 1, reason: "waiting_for_worker" });
    expect((await standing(second.job.id)).queue).toEqual({ position: 2, reason: "waiting_for_worker" });
  });
});
