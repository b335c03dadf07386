/**
 * The console's sign-in: an API key exchanged for a session cookie that acts
 * for that key, refused once the key is revoked, and writes only from the
 * console's own origin.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordFor } from "../../workers/auth/api-keys";
import { insertApiKey, revokeApiKey } from "../../workers/db/api-keys";
import { api, API_KEY, createJob, ORIGIN, postJson } from "../helpers";

/** Signs in with `key` and returns the cookie pair to send back ("name=value"). */
async function signIn(key = API_KEY): Promise<{ cookie: string; setCookie: string }> {
  const res = await postJson("/api/session", { api_key: key }, { origin: ORIGIN });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get("set-cookie")!;
  return { cookie: setCookie.split(";")[0]!, setCookie };
}

describe("console sessions", () => {
  it("sets an HttpOnly, Secure, SameSite=Strict cookie of at most 12 hours and never echoes the key", async () => {
    const res = await postJson("/api/session", { api_key: API_KEY }, { origin: ORIGIN });
    expect(res.status).toBe(201);
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeLessThanOrEqual(12 * 3600);
    expect(setCookie).not.toContain(API_KEY);
    const body = await res.json();
    expect(body).toMatchObject({ owner: "default" });
    expect(JSON.stringify(body)).not.toContain(API_KEY);
  });

  it("leaves out Secure on a loopback http origin, where dev runs", async () => {
    const res = await exportsFetch("http://localhost:8787/api/session", { api_key: API_KEY });
    expect(res.headers.get("set-cookie")).not.toMatch(/Secure/);
  });

  it("refuses an unknown key and a worker key", async () => {
    expect((await postJson("/api/session", { api_key: "sk_nope_nope_nope_nope_nope_nope_nope" })).status).toBe(401);
    const worker = await postJson("/api/session", { api_key: env.WORKER_KEY });
    expect(worker.status).toBe(401);
    expect(((await worker.json()) as { error: { code: string } }).error.code).toBe("wrong_key_role");
  });

  it("reads the owner's jobs and says who is signed in", async () => {
    const { cookie } = await signIn();
    const created = await createJob();
    expect((await api(`/api/jobs/${created.job.id}`, { headers: { cookie } })).status).toBe(200);
    expect((await api("/api/jobs", { headers: { cookie } })).status).toBe(200);
    const me = await api("/api/session", { headers: { cookie } });
    expect(await me.json()).toMatchObject({ owner: "default" });
  });

  it("writes from the console's own origin and refuses a write from another with 403 bad_origin", async () => {
    const { cookie } = await signIn();
    const created = await createJob();
    const foreign = await postJson(`/api/jobs/${created.job.id}/cancel`, {}, { cookie, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("bad_origin");
    const missing = await postJson(`/api/jobs/${created.job.id}/cancel`, {}, { cookie });
    expect(missing.status).toBe(403);
    expect((await api(`/api/jobs/${created.job.id}`, { headers: { cookie } })).status).toBe(200);
    const own = await postJson(`/api/jobs/${created.job.id}/cancel`, { reason: "from the console" }, { cookie, origin: ORIGIN });
    expect(own.status).toBe(200);
  });

  it("mints viewer tokens for the console's sockets", async () => {
    const { cookie } = await signIn();
    const res = await postJson("/api/viewer-tokens", { ttl_seconds: 600 }, { cookie, origin: ORIGIN });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { token: string }).token).toMatch(/^vt1\./);
  });

  it("is refused as soon as its key is revoked", async () => {
    const record = await recordFor("sk_test_session_revoked_key_000000", "default", "to revoke", Date.now());
    await insertApiKey(env.DB, record.row);
    const { cookie } = await signIn(record.key);
    expect((await api("/api/jobs", { headers: { cookie } })).status).toBe(200);
    await revokeApiKey(env.DB, record.row.id, Date.now());
    const after = await api("/api/jobs", { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe("session_revoked");
  });

  it("refuses a tampered cookie", async () => {
    const { cookie } = await signIn();
    const res = await api("/api/jobs", { headers: { cookie: `${cookie.slice(0, -2)}xx` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_session");
  });

  it("signs out by clearing the cookie", async () => {
    const { cookie } = await signIn();
    const res = await api("/api/session", { method: "DELETE", headers: { cookie, origin: ORIGIN } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("does not hand out the dev key outside DEMO_MODE", async () => {
    expect((await api("/api/session/dev-key")).status).toBe(404);
  });
});

function exportsFetch(url: string, body: unknown): Promise<Response> {
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  return exports.default.fetch(new Request(url, init));
}
