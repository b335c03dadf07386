/**
 * Hardening found by black-box testing: strict query numbers, API keys kept out of URLs, and
 * D1 trouble answered fast with 503 storage_unavailable while what needs no D1 keeps working.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import type { CreateJobResponse, ViewerTokenResponse } from "../../workers/protocol";
import { api, createJob, postJson, withKey } from "../helpers";

const codeOf = async (res: Response) => ({ status: res.status, code: (await res.json<{ error: { code: string } }>()).error.code });

let job: CreateJobResponse;
beforeAll(async () => {
  job = await createJob();
});

describe("query numbers are read strictly", () => {
  it.each(["0x10", "1e1", "+5", " 5", "5.0", "", "101", "0"])("refuses limit=%j with 400", async (limit) => {
    const res = await api(`/api/jobs?limit=${encodeURIComponent(limit)}`, { headers: withKey() });
    expect(await codeOf(res)).toEqual({ status: 400, code: "invalid_query" });
  });

  it("takes a plain decimal limit", async () => {
    const res = await api("/api/jobs?limit=16", { headers: withKey() });
    expect(res.status).toBe(200);
  });

  it("refuses a socket's since=0x1 with 400", async () => {
    const res = await api(`/api/jobs/${job.job.id}/ws?since=0x1`, { headers: withKey({ upgrade: "websocket" }) });
    expect(await codeOf(res)).toEqual({ status: 400, code: "invalid_query" });
  });
});

describe("API keys are taken from the Authorization header only", () => {
  const upgrade = { headers: { upgrade: "websocket" } };

  it.each([
    ["the job socket", () => `/api/jobs/${job.job.id}/ws?token=${env.API_KEY}`],
    ["the download route", () => `/api/jobs/${job.job.id}/download?token=${env.API_KEY}`],
    ["the feed socket", () => `/api/feed/ws?token=${env.API_KEY}`],
    ["the job socket, with a worker key", () => `/api/jobs/${job.job.id}/ws?token=${env.WORKER_KEY}`],
  ])("refuses a valid key as ?token= on %s with 401 api_key_in_query", async (_name, path) => {
    expect(await codeOf(await api(path(), upgrade))).toEqual({ status: 401, code: "api_key_in_query" });
  });

  it("still takes a viewer token as ?token=", async () => {
    const minted = await postJson("/api/viewer-tokens", { job_id: job.job.id }, withKey());
    const { token } = await minted.json<ViewerTokenResponse>();
    const res = await api(`/api/jobs/${job.job.id}/ws?token=${token}`, upgrade);
    expect(res.status).toBe(101);
    res.webSocket!.accept();
    res.webSocket!.close(1000);
  });
});

/** A D1 that never answers: every statement hangs, as a D1 outage looked from the Worker. */
function hangingD1(): D1Database {
  const never = () => new Promise<never>(() => {});
  const statement: Record<string, unknown> = {};
  for (const name of ["first", "all", "run", "raw"]) statement[name] = never;
  statement.bind = () => statement;
  return { prepare: () => statement, batch: never, exec: never, dump: never, withSession: () => ({}) } as unknown as D1Database;
}

/** A D1 whose every statement fails at once. */
function failingD1(): D1Database {
  const fail = () => Promise.reject(new Error("D1_ERROR: Network connection lost."));
  const statement: Record<string, unknown> = {};
  for (const name of ["first", "all", "run", "raw"]) statement[name] = fail;
  statement.bind = () => statement;
  return { prepare: () => statement, batch: fail, exec: fail, dump: fail, withSession: () => ({}) } as unknown as D1Database;
}

/** A request straight to the app with `DB` swapped and a short D1 wait. */
function withD1(db: D1Database, path: string, headers: Record<string, string>) {
  const outage = { ...env, DB: db, D1_TIMEOUT_MS: "200" };
  return app.fetch(new Request(`https://tracker.test${path}`, { headers }), outage, createExecutionContext());
}

describe("when D1 cannot be reached", () => {
  it("answers a list with 503 storage_unavailable instead of hanging", async () => {
    expect(await codeOf(await withD1(hangingD1(), "/api/jobs", withKey()))).toEqual({ status: 503, code: "storage_unavailable" });
  });

  it("answers stats with 503 storage_unavailable when D1 fails outright", async () => {
    expect(await codeOf(await withD1(failingD1(), "/api/stats", withKey()))).toEqual({ status: 503, code: "storage_unavailable" });
  });

  it("answers a key it has not seen lately with 503, not 401 nor 500", async () => {
    const res = await withD1(hangingD1(), `/api/jobs/${job.job.id}`, { authorization: "Bearer sk_never_seen_key_0000000000000000000" });
    expect(await codeOf(res)).toEqual({ status: 503, code: "storage_unavailable" });
  });

  it("still serves a job to a key it checked moments ago: reading a job needs no D1", async () => {
    const warm = await app.fetch(new Request(`https://tracker.test/api/jobs/${job.job.id}`, { headers: withKey() }), env, createExecutionContext());
    expect(warm.status).toBe(200);
    const res = await withD1(hangingD1(), `/api/jobs/${job.job.id}`, withKey());
    expect(res.status).toBe(200);
    expect((await res.json<{ job: { id: string } }>()).job.id).toBe(job.job.id);
  });

  it("needs no D1 for /health", async () => {
    expect((await withD1(hangingD1(), "/health", {})).status).toBe(200);
  });
});

describe("a job that cannot run is refused at create", () => {
  it("answers a push job with 400 no_gpu_endpoints when GPU_ENDPOINTS is empty, and creates nothing", async () => {
    const before = (await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs").first<{ n: number }>())!.n;
    const request = new Request("https://tracker.test/api/jobs", {
      method: "POST",
      headers: withKey({ "content-type": "application/json" }),
      body: JSON.stringify({ kind: "video.render", input: {}, dispatch: "push" }),
    });
    const res = await app.fetch(request, { ...env, GPU_ENDPOINTS: "" }, createExecutionContext());
    expect(await codeOf(res)).toEqual({ status: 400, code: "no_gpu_endpoints" });
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs").first<{ n: number }>())!.n).toBe(before);
  });

  it("still takes a pull job on the same deployment", async () => {
    const request = new Request("https://tracker.test/api/jobs", {
      method: "POST",
      headers: withKey({ "content-type": "application/json" }),
      body: JSON.stringify({ kind: "video.render", input: {}, dispatch: "pull" }),
    });
    expect((await app.fetch(request, { ...env, GPU_ENDPOINTS: "" }, createExecutionContext())).status).toBe(201);
  });
});

describe("an upload changes the job only once its bytes are stored", () => {
  /** A PUT that declares `declared` bytes and sends `sent`, then ends. */
  function shortUpload(created: CreateJobResponse, declared: number, sent: number) {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(sent).fill(7));
        controller.close();
      },
    });
    return api(`/api/jobs/${created.job.id}/callbacks/output`, {
      method: "PUT",
      headers: { authorization: `Bearer ${created.callback.token}`, "content-type": "video/mp4", "content-length": String(declared) },
      body,
      duplex: "half",
    } as RequestInit);
  }

  const readJob = async (id: string) => (await api(`/api/jobs/${id}`, { headers: withKey() })).text();

  it("leaves a queued job byte-for-byte as it was when the body is shorter than its Content-Length", async () => {
    const created = await createJob();
    const before = await readJob(created.job.id);
    const res = await shortUpload(created, 1000, 10);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("upload_incomplete");
    expect(await readJob(created.job.id)).toBe(before);
    expect(await env.OUTPUTS.head(`outputs/${created.job.id}/attempt-1`)).toBeNull();
  });

  it("refuses a stale attempt's upload before reading it, and stores nothing", async () => {
    const created = await createJob();
    await api(`/api/jobs/${created.job.id}/callbacks/error`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.callback.token}`, "content-type": "application/json" },
      body: JSON.stringify({ error: "spot instance reclaimed", retryable: true }),
    });
    const before = await readJob(created.job.id);
    const res = await shortUpload(created, 10, 10);
    expect(await codeOf(res)).toEqual({ status: 409, code: "stale_attempt" });
    expect(await readJob(created.job.id)).toBe(before);
    expect(await env.OUTPUTS.head(`outputs/${created.job.id}/attempt-1`)).toBeNull();
  });
});
