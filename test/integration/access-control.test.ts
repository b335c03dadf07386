import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { recordFor } from "../../workers/auth/api-keys";
import { signViewerToken } from "../../workers/auth/viewer-token";
import { app } from "../../workers/app";
import { insertApiKey, revokeApiKey } from "../../workers/db/api-keys";
import type { CreateJobResponse, ListJobsResponse, ViewerTokenResponse } from "../../workers/protocol";
import { api, callback, createJob, getJob, postJson, uploadOutput, withKey } from "../helpers";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let job: CreateJobResponse;
let otherJob: CreateJobResponse;
let revokedKey: string;

beforeAll(async () => {
  job = await createJob();
  await uploadOutput(job, new TextEncoder().encode("render"));
  await callback(job, "progress", { percent: 50 });
  otherJob = await createJob();
  const revoked = await recordFor("sk_test_revoked_key_000000000000000", "default", "revoked", Date.now());
  await insertApiKey(env.DB, revoked.row);
  await revokeApiKey(env.DB, revoked.row.id, Date.now());
  revokedKey = revoked.key;
});

async function mint(body: { job_id?: string; ttl_seconds?: number } = {}): Promise<string> {
  const res = await postJson("/api/viewer-tokens", body, withKey());
  expect(res.status).toBe(201);
  return (await res.json<ViewerTokenResponse>()).token;
}

const expiredToken = () =>
  signViewerToken(env.SIGNING_SECRET, { owner: "default", jobId: job.job.id, expiresAt: Date.now() - 1000 });

/** Every client route, as a request builder for job `id` with `headers`. */
const ROUTES: Record<string, (id: string, headers: Record<string, string>) => Promise<Response>> = {
  "POST /api/jobs": (_id, h) => postJson("/api/jobs", { kind: "video.render" }, h),
  "GET /api/jobs": (_id, h) => api("/api/jobs", { headers: h }),
  "GET /api/jobs/:id": (id, h) => api(`/api/jobs/${id}`, { headers: h }),
  "GET /api/jobs/:id/events": (id, h) => api(`/api/jobs/${id}/events`, { headers: h }),
  "GET /api/jobs/:id/callback": (id, h) => api(`/api/jobs/${id}/callback`, { headers: h }),
  "POST /api/jobs/:id/cancel": (id, h) => api(`/api/jobs/${id}/cancel`, { method: "POST", headers: h }),
  "POST /api/jobs/:id/retry": (id, h) => api(`/api/jobs/${id}/retry`, { method: "POST", headers: h }),
  "GET /api/jobs/:id/ws": (id, h) => api(`/api/jobs/${id}/ws`, { headers: { upgrade: "websocket", ...h } }),
  "GET /api/jobs/:id/download": (id, h) => api(`/api/jobs/${id}/download`, { headers: h, redirect: "manual" }),
  "GET /api/stats": (_id, h) => api("/api/stats", { headers: h }),
  "POST /api/viewer-tokens": (id, h) => postJson("/api/viewer-tokens", { job_id: id }, h),
};
const WRITES = ["POST /api/jobs", "GET /api/jobs/:id/callback", "POST /api/jobs/:id/cancel", "POST /api/jobs/:id/retry", "POST /api/viewer-tokens"];
const JOB_READS = ["GET /api/jobs/:id", "GET /api/jobs/:id/events", "GET /api/jobs/:id/ws", "GET /api/jobs/:id/download"];

async function codeOf(res: Response) {
  return { status: res.status, code: (await res.json<{ error: { code: string } }>()).error.code };
}

/** Asserts the job and the job list are as they were: a refused request changed nothing. */
async function expectUnchanged(run: () => Promise<void>) {
  const before = await getJob(job.job.id);
  const count = (await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs").first<{ n: number }>())!.n;
  await run();
  expect(await getJob(job.job.id)).toEqual(before);
  expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs").first<{ n: number }>())!.n).toBe(count);
}

describe("every client route refuses bad credentials and changes nothing", () => {
  it.each(Object.keys(ROUTES))("%s without credentials is 401", async (route) => {
    await expectUnchanged(async () => {
      expect(await codeOf(await ROUTES[route]!(job.job.id, {}))).toEqual({ status: 401, code: "unauthorized" });
    });
  });

  it.each(Object.keys(ROUTES))("%s with a revoked key is 401", async (route) => {
    await expectUnchanged(async () => {
      const res = await ROUTES[route]!(job.job.id, bearer(revokedKey));
      expect(await codeOf(res)).toEqual({ status: 401, code: "invalid_api_key" });
    });
  });

  it.each(Object.keys(ROUTES))("%s with an expired viewer token is 401", async (route) => {
    const token = await expiredToken();
    await expectUnchanged(async () => {
      expect(await codeOf(await ROUTES[route]!(job.job.id, bearer(token)))).toEqual({ status: 401, code: "token_expired" });
    });
  });

  it.each(Object.keys(ROUTES))("%s with a tampered viewer token is 401", async (route) => {
    const token = await mint({ job_id: job.job.id });
    const tampered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    await expectUnchanged(async () => {
      expect(await codeOf(await ROUTES[route]!(job.job.id, bearer(tampered)))).toEqual({ status: 401, code: "invalid_token" });
    });
  });

  it.each(WRITES)("%s with a viewer token is 403: viewer tokens are read-only", async (route) => {
    const token = await mint();
    await expectUnchanged(async () => {
      expect(await codeOf(await ROUTES[route]!(job.job.id, bearer(token)))).toEqual({ status: 403, code: "read_only_token" });
    });
  });

  it.each([...JOB_READS, "GET /api/jobs/:id/callback", "POST /api/jobs/:id/cancel", "POST /api/jobs/:id/retry", "POST /api/viewer-tokens"])(
    "%s on another owner's job is 404, exactly like a missing job",
    async (route) => {
      await expectUnchanged(async () => {
        const foreign = await codeOf(await ROUTES[route]!(job.job.id, bearer(env.OTHER_API_KEY)));
        const missing = await codeOf(await ROUTES[route]!("job_aaaaaaaaaaaaaaaaaaaaaaaaaa", withKey()));
        expect(foreign).toEqual({ status: 404, code: "job_not_found" });
        expect(missing).toEqual(foreign);
      });
    },
  );

  it.each(JOB_READS)("%s with a token for another job is 404", async (route) => {
    const token = await mint({ job_id: otherJob.job.id });
    expect(await codeOf(await ROUTES[route]!(job.job.id, bearer(token)))).toEqual({ status: 404, code: "job_not_found" });
  });
});

describe("the console's session cookie", () => {
  const FOREIGN = ["POST /api/jobs", "POST /api/jobs/:id/cancel", "POST /api/jobs/:id/retry", "POST /api/viewer-tokens", "GET /api/jobs/:id/ws"];

  it.each(FOREIGN)("%s with the cookie from another origin is 403 bad_origin", async (route) => {
    const signIn = await postJson("/api/session", { api_key: env.API_KEY });
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    await expectUnchanged(async () => {
      const res = await ROUTES[route]!(job.job.id, { cookie, origin: "https://evil.example" });
      expect(await codeOf(res)).toEqual({ status: 403, code: "bad_origin" });
    });
  });
});

describe("viewer tokens", () => {
  it("let a browser read its job, follow it and download it", async () => {
    const token = await mint({ job_id: job.job.id });
    expect((await api(`/api/jobs/${job.job.id}`, { headers: bearer(token) })).status).toBe(200);
    const ws = await api(`/api/jobs/${job.job.id}/ws?token=${token}`, { headers: { upgrade: "websocket" } });
    expect(ws.status).toBe(101);
    ws.webSocket?.accept();
    ws.webSocket?.close(1000);
  });

  it("scoped to the owner can list and count, scoped to a job cannot", async () => {
    const owner = await mint();
    const list = await api("/api/jobs", { headers: bearer(owner) });
    expect((await list.json<ListJobsResponse>()).jobs.map((j) => j.id)).toContain(job.job.id);
    expect((await api("/api/stats", { headers: bearer(owner) })).status).toBe(200);
    const single = await mint({ job_id: job.job.id });
    expect(await codeOf(await api("/api/jobs", { headers: bearer(single) }))).toEqual({ status: 403, code: "token_scope" });
  });

  it("last an hour by default and at most a day", async () => {
    const res = await postJson("/api/viewer-tokens", {}, withKey());
    const { expires_at } = await res.json<ViewerTokenResponse>();
    expect(Math.abs(Date.parse(expires_at) - (Date.now() + 3600_000))).toBeLessThan(5000);
    expect((await postJson("/api/viewer-tokens", { ttl_seconds: 86_401 }, withKey())).status).toBe(400);
  });
});

describe("owner isolation in lists and counts", () => {
  it("shows another owner none of this owner's jobs", async () => {
    const theirs = await api("/api/jobs?limit=100", { headers: bearer(env.OTHER_API_KEY) });
    const ids = (await theirs.json<ListJobsResponse>()).jobs.map((j) => j.id);
    expect(ids).not.toContain(job.job.id);
    expect(ids).not.toContain(otherJob.job.id);
  });
});

describe("edges", () => {
  it("rate-limits job creation per key with 429 and Retry-After", async () => {
    const limited = { ...env, JOBS_PER_MINUTE: "2" } as Env;
    const key = await recordFor(`sk_test_rate_${crypto.randomUUID().replace(/-/g, "").slice(0, 19)}`, "default", "rate", Date.now());
    await insertApiKey(env.DB, key.row);
    const create = () =>
      app.fetch(
        new Request("https://tracker.test/api/jobs", {
          method: "POST",
          headers: { ...bearer(key.key), "content-type": "application/json" },
          body: JSON.stringify({ kind: "video.render" }),
        }),
        limited,
        createExecutionContext(),
      );
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(201);
    const third = await create();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await third.json<{ error: { code: string } }>()).error.code).toBe("rate_limited");
  });

  it("answers CORS preflight for an allowed origin only", async () => {
    const allowed = { ...env, CORS_ORIGINS: "https://app.example" } as Env;
    const preflight = (origin: string) =>
      app.fetch(
        new Request("https://tracker.test/api/jobs", {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
        }),
        allowed,
        createExecutionContext(),
      );
    const ok = await preflight("https://app.example");
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a GPU worker's callback without browser headers (no CORS, no security headers)", async () => {
    const allowed = { ...env, CORS_ORIGINS: "https://app.example" } as Env;
    const job = await createJob();
    const res = await app.fetch(
      new Request(`https://tracker.test/api/jobs/${job.job.id}/callbacks/heartbeat`, {
        method: "POST",
        headers: { origin: "https://app.example", authorization: `Bearer ${job.callback.token}` },
      }),
      allowed,
      createExecutionContext(),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("x-frame-options")).toBeNull();
  });

  it("sends security headers", async () => {
    const res = await api("/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});
