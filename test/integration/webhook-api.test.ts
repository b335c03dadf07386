/**
 * The webhook routes: endpoints managed with an API key, bad URLs refused
 * with nothing changed, another owner's endpoints and deliveries answered
 * exactly like missing ones, the job-webhook secret, and redelivery through
 * the real queue.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Delivery, WebhookEndpoint } from "../../workers/protocol";
import { processWebhookMessage } from "../../workers/webhooks/consumer";
import type { AttemptMessage } from "../../workers/webhooks/messages";
import { api, createJob, postJson } from "../helpers";
import { createWebhook, fakeReceiver, jobEventMessage, newOwner, testDeps } from "../webhook-helpers";

let receiver: ReturnType<typeof fakeReceiver>;
beforeEach(() => {
  receiver = fakeReceiver();
});
afterEach(() => vi.restoreAllMocks());

const send = (method: string, path: string, auth: Record<string, string>, body?: unknown) =>
  api(path, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const listOf = async (auth: Record<string, string>) =>
  (await (await api("/api/webhooks", { headers: auth })).json<{ webhooks: WebhookEndpoint[] }>()).webhooks;

describe("webhook endpoints", () => {
  it("are created with a secret shown once, listed, read, changed and deleted", async () => {
    const { auth } = await newOwner();
    const created = await postJson("/api/webhooks", { url: "https://crud.receiver.test/in", description: "billing" }, auth);
    expect(created.status).toBe(201);
    const { webhook, secret } = await created.json<{ webhook: WebhookEndpoint; secret: string }>();
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({ url: "https://crud.receiver.test/in", enabled: true, description: "billing" });
    expect(webhook.events).not.toContain("job.progress");
    expect(created.headers.get("location")).toMatch(new RegExp(`/api/webhooks/${webhook.id}$`));

    const listed = await listOf(auth);
    expect(listed.map((w) => w.id)).toEqual([webhook.id]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const patched = await send("PATCH", `/api/webhooks/${webhook.id}`, auth, { events: ["job.failed"], enabled: false });
    expect(patched.status).toBe(200);
    const changed = (await patched.json<{ webhook: WebhookEndpoint }>()).webhook;
    expect(changed).toMatchObject({ events: ["job.failed"], enabled: false, disabled_reason: "disabled by its owner" });
    const enabled = await send("PATCH", `/api/webhooks/${webhook.id}`, auth, { enabled: true });
    expect((await enabled.json<{ webhook: WebhookEndpoint }>()).webhook).toMatchObject({ enabled: true, disabled_reason: null });

    expect((await send("DELETE", `/api/webhooks/${webhook.id}`, auth)).status).toBe(204);
    expect((await api(`/api/webhooks/${webhook.id}`, { headers: auth })).status).toBe(404);
  });

  it.each([
    ["http://hooks.example.com/", "webhook_url_insecure"],
    ["http://localhost:8788/", "webhook_url_private"],
    ["https://10.1.2.3/", "webhook_url_private"],
    ["https://me:pw@hooks.example.com/", "webhook_url_invalid"],
    ["hooks.example.com", "webhook_url_invalid"],
  ])("refuses %s with 400 %s and stores nothing", async (url, code) => {
    const { auth } = await newOwner();
    const res = await postJson("/api/webhooks", { url }, auth);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe(code);
    expect(await listOf(auth)).toEqual([]);
  });

  it("refuses a bad URL on PATCH and keeps the old one", async () => {
    const { auth } = await newOwner();
    const { webhook } = await createWebhook(auth, { url: "https://keep.receiver.test/" });
    const res = await send("PATCH", `/api/webhooks/${webhook.id}`, auth, { url: "http://keep.receiver.test/" });
    expect(res.status).toBe(400);
    expect((await listOf(auth))[0]!.url).toBe("https://keep.receiver.test/");
  });

  it("refuses a job whose own webhook URL is bad, and creates no job", async () => {
    const { auth } = await newOwner();
    const res = await postJson("/api/jobs", { kind: "video.render", webhook: { url: "http://plain.example/" } }, auth);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("webhook_url_insecure");
    const jobs = await (await api("/api/jobs", { headers: auth })).json<{ jobs: unknown[] }>();
    expect(jobs.jobs).toEqual([]);
  });

  it("refuses unknown event types", async () => {
    const { auth } = await newOwner();
    const res = await postJson("/api/webhooks", { url: "https://x.receiver.test/", events: ["job.exploded"] }, auth);
    expect(res.status).toBe(400);
  });

  it("shows the owner's job-webhook secret, the same each time and its own per owner", async () => {
    const a = await newOwner();
    const b = await newOwner();
    const secretOf = async (auth: Record<string, string>) =>
      (await (await api("/api/webhooks/job-secret", { headers: auth })).json<{ secret: string }>()).secret;
    const first = await secretOf(a.auth);
    expect(first).toMatch(/^whsec_/);
    expect(await secretOf(a.auth)).toBe(first);
    expect(await secretOf(b.auth)).not.toBe(first);
  });
});

describe("the job-webhook secret", () => {
  it("rotates with the old secret signing beside the new one for 24 hours", async () => {
    const owner = await newOwner();
    const before = await (await api("/api/webhooks/job-secret", { headers: owner.auth })).json<{ secret: string }>();
    const res = await postJson("/api/webhooks/job-secret/rotate", {}, owner.auth);
    expect(res.status).toBe(200);
    const after = await res.json<{ secret: string; previous_secret_expires_at: string }>();
    expect(after.secret).not.toBe(before.secret);
    expect(Date.parse(after.previous_secret_expires_at) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const shown = await (await api("/api/webhooks/job-secret", { headers: owner.auth })).json<{ secret: string }>();
    expect(shown.secret).toBe(after.secret);
  });
});

describe("another owner's webhooks", () => {
  it("look exactly like missing ones on every route", async () => {
    const mine = await newOwner();
    const theirs = await newOwner();
    const { webhook } = await createWebhook(theirs.auth, { url: "https://theirs.receiver.test/" });
    const missing = "wh_00000000000000000000000000000000";
    for (const [method, suffix, body] of [
      ["GET", "", undefined],
      ["PATCH", "", { enabled: false }],
      ["DELETE", "", undefined],
      ["POST", "/rotate-secret", undefined],
      ["GET", "/deliveries", undefined],
    ] as const) {
      const theirsRes = await send(method, `/api/webhooks/${webhook.id}${suffix}`, mine.auth, body);
      const missingRes = await send(method, `/api/webhooks/${missing}${suffix}`, mine.auth, body);
      expect([theirsRes.status, missingRes.status]).toEqual([404, 404]);
      expect(await theirsRes.json()).toEqual(await missingRes.json());
    }
    expect(await listOf(mine.auth)).toEqual([]);
    expect((await api(`/api/webhooks/${webhook.id}`, { headers: theirs.auth })).status).toBe(200);
  });

  it("keep their deliveries: redelivery and a job's delivery log answer 404", async () => {
    const theirs = await newOwner();
    await createWebhook(theirs.auth, { url: "https://theirs2.receiver.test/" });
    const { deps } = testDeps();
    const [attempt] = (await processWebhookMessage(deps, jobEventMessage(theirs.owner, "job.created", 1))).enqueue;
    const deliveryId = (attempt!.message as AttemptMessage).delivery_id;
    const redeliver = await postJson(`/api/webhooks/deliveries/${deliveryId}/redeliver`, {}, { authorization: `Bearer ${env.API_KEY}` });
    expect(redeliver.status).toBe(404);
    expect((await redeliver.json<{ error: { code: string } }>()).error.code).toBe("delivery_not_found");

    const job = await createJob({}, { authorization: `Bearer ${theirs.key}` });
    const log = await api(`/api/jobs/${job.job.id}/deliveries`, { headers: { authorization: `Bearer ${env.OTHER_API_KEY}` } });
    expect(log.status).toBe(404);
    expect((await log.json<{ error: { code: string } }>()).error.code).toBe("job_not_found");
  });
});

describe("redelivery", { timeout: 15_000 }, () => {
  it("sends a delivery again with the same webhook-id, as a new attempt in the log", async () => {
    const owner = await newOwner();
    const { webhook } = await createWebhook(owner.auth, { url: "https://again.receiver.test/" });
    const { deps } = testDeps();
    const [first] = (await processWebhookMessage(deps, jobEventMessage(owner.owner, "job.created", 1))).enqueue;
    const deliveryId = (first!.message as AttemptMessage).delivery_id;
    await processWebhookMessage(deps, first!.message);

    const res = await postJson(`/api/webhooks/deliveries/${deliveryId}/redeliver`, {}, owner.auth);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ delivery: { id: deliveryId, status: "pending" }, attempt: 2 });
    // The real queue and its consumer make the attempt.
    await vi.waitFor(
      async () => {
        const log = await api(`/api/webhooks/${webhook.id}/deliveries`, { headers: owner.auth });
        const [delivery] = (await log.json<{ deliveries: Delivery[] }>()).deliveries;
        expect(delivery!.status).toBe("delivered");
        expect(delivery!.attempts.map((a) => [a.attempt, a.trigger])).toEqual([[1, "schedule"], [2, "redeliver"]]);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(receiver.to("again.receiver.test").map((r) => r.headers["webhook-id"])).toEqual([deliveryId, deliveryId]);
  });

  it("is refused while the delivery is still being retried", async () => {
    const owner = await newOwner();
    await createWebhook(owner.auth, { url: "https://busy.receiver.test/" });
    receiver.answerWith("busy.receiver.test", async () => new Response("no", { status: 500 }));
    const { deps } = testDeps();
    const [first] = (await processWebhookMessage(deps, jobEventMessage(owner.owner, "job.created", 1))).enqueue;
    const deliveryId = (first!.message as AttemptMessage).delivery_id;
    expect((await processWebhookMessage(deps, first!.message)).enqueue).toHaveLength(1); // a retry is scheduled
    const res = await postJson(`/api/webhooks/deliveries/${deliveryId}/redeliver`, {}, owner.auth);
    expect(res.status).toBe(409);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("delivery_in_progress");
  });
});
