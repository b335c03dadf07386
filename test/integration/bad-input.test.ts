import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { api, callback, createJob, eventLog, getJob, postJson, withKey } from "../helpers";

async function errorOf(res: Response) {
  const body = await res.json<{ error: { code: string; message: string } }>();
  expect(body.error.message.length).toBeGreaterThan(0);
  return { status: res.status, code: body.error.code };
}

const listCount = async () =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs").first<{ n: number }>())!.n;

describe("bad input to the client API gets a clear error and changes nothing", () => {
  it("answers malformed JSON with 400 invalid_json", async () => {
    const before = await listCount();
    const res = await api("/api/jobs", { method: "POST", headers: withKey({ "content-type": "application/json" }), body: "{kind:" });
    expect(await errorOf(res)).toEqual({ status: 400, code: "invalid_json" });
    expect(await listCount()).toBe(before);
  });

  it("answers wrong types with 400 invalid_body naming the field", async () => {
    const res = await postJson("/api/jobs", { kind: 42, max_attempts: "three" }, withKey());
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(res.status).toBe(400);
    expect(body.error.code).toBe("invalid_body");
    expect(body.error.message).toMatch(/kind/);
    expect(body.error.message).toMatch(/max_attempts/);
  });

  it("answers a body that is not JSON with 415", async () => {
    const res = await api("/api/jobs", { method: "POST", headers: withKey({ "content-type": "text/plain" }), body: "kind=x" });
    expect(await errorOf(res)).toEqual({ status: 415, code: "unsupported_media_type" });
  });

  it("answers an oversized body with 413", async () => {
    const huge = { kind: "video.render", input: { blob: "x".repeat(200 * 1024) } };
    expect(await errorOf(await postJson("/api/jobs", huge, withKey()))).toEqual({ status: 413, code: "payload_too_large" });
    const big = { kind: "video.render", input: { blob: "x".repeat(70 * 1024) } };
    expect(await errorOf(await postJson("/api/jobs", big, withKey()))).toEqual({ status: 413, code: "input_too_large" });
  });

  it("answers an oversized body sent without a length (streamed) with 413, creating nothing", async () => {
    const before = await listCount();
    const text = JSON.stringify({ kind: "video.render", input: { blob: "x".repeat(200 * 1024) } });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.slice(i, i + 16 * 1024));
        controller.close();
      },
    });
    const request = new Request("https://tracker.test/api/jobs", { method: "POST", headers: withKey({ "content-type": "application/json" }), body });
    expect(request.headers.get("content-length")).toBeNull();
    const res = await app.fetch(request, env, createExecutionContext());
    expect(await errorOf(res)).toEqual({ status: 413, code: "payload_too_large" });
    expect(await listCount()).toBe(before);
  });

  it("answers a missing or wrong API key with 401", async () => {
    expect(await errorOf(await postJson("/api/jobs", { kind: "x" }))).toEqual({ status: 401, code: "unauthorized" });
    const wrong = await postJson("/api/jobs", { kind: "x" }, { authorization: "Bearer sk_not_a_key" });
    expect(await errorOf(wrong)).toEqual({ status: 401, code: "invalid_api_key" });
    expect(await errorOf(await api("/api/jobs"))).toEqual({ status: 401, code: "unauthorized" });
  });

  it("answers an unknown job and a malformed id with the same 404", async () => {
    const unknown = await errorOf(await api("/api/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa", { headers: withKey() }));
    const malformed = await errorOf(await api("/api/jobs/not-a-job", { headers: withKey() }));
    expect(unknown).toEqual({ status: 404, code: "job_not_found" });
    expect(malformed).toEqual(unknown);
  });

  it("answers an unknown route with a JSON 404", async () => {
    expect(await errorOf(await api("/api/nothing"))).toEqual({ status: 404, code: "not_found" });
  });
});

describe("bad input to callbacks gets a clear error, is recorded, and changes nothing", () => {
  it("refuses a missing token with 401", async () => {
    const created = await createJob();
    const res = await api(`/api/jobs/${created.job.id}/callbacks/progress`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ percent: 10 }),
    });
    expect(await errorOf(res)).toEqual({ status: 401, code: "invalid_token" });
    expect((await getJob(created.job.id)).status).toBe("queued");
  });

  it("refuses a progress report without percent or units with 400", async () => {
    const created = await createJob();
    const res = await callback(created, "progress", { stage: "render" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ok: false, status: "queued", canceled: false, error: { code: "invalid_body" } });
    expect((await getJob(created.job.id)).status).toBe("queued");
    expect((await eventLog(created.job.id)).at(-1)).toMatchObject({ type: "job:callback_refused", status: 400 });
  });

  it("refuses a percent over 100 and done over total", async () => {
    const created = await createJob();
    expect((await callback(created, "progress", { percent: 101 })).status).toBe(400);
    expect((await callback(created, "progress", { done: 11, total: 10 })).status).toBe(400);
  });

  it("refuses malformed JSON in a callback with 400 invalid_json", async () => {
    const created = await createJob();
    const res = await api(`/api/jobs/${created.job.id}/callbacks/error`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.callback.token}`, "content-type": "application/json" },
      body: "{oops",
    });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_json");
  });

  it("refuses an upload without Content-Length with 411", async () => {
    const created = await createJob();
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array([1, 2, 3]));
        c.close();
      },
    });
    const res = await api(`/api/jobs/${created.job.id}/callbacks/output`, {
      method: "PUT",
      headers: { authorization: `Bearer ${created.callback.token}` },
      body: stream,
    });
    expect(res.status).toBe(411);
  });

  it("answers a callback for an unknown job with 404", async () => {
    const res = await api("/api/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa/callbacks/heartbeat", {
      method: "POST",
      headers: { authorization: "Bearer 1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    });
    expect(res.status).toBe(404);
  });
});

describe("configuration", () => {
  it("refuses requests with a clear error when a secret is missing", async () => {
    const { SIGNING_SECRET: _missing, ...rest } = env;
    const res = await app.fetch(new Request("https://tracker.test/api/jobs", { headers: withKey() }), rest as unknown as Env, createExecutionContext());
    expect(res.status).toBe(500);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("server_misconfigured");
    expect(body.error.message).toMatch(/SIGNING_SECRET is not set/);
  });
});
