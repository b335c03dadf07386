/**
 * Webhook delivery, driven by hand: the tests run the queue consumer's logic
 * on the messages it would get, with a clock they move, against the real D1
 * and a fake receiver (the customer's server) behind a mocked fetch.
 */
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { database } from "../../workers/db/jobs";
import { webhookAttempts, webhookDeliveries } from "../../workers/db/webhook-schema";
import type { Delivery, JobWebhookPayload as WebhookPayload, WebhookEndpoint } from "../../workers/protocol";
import { processDeadLetter, processWebhookMessage, type Effects } from "../../workers/webhooks/consumer";
import type { AttemptMessage } from "../../workers/webhooks/messages";
import { dropOldWebhookLog } from "../../workers/webhooks/retention";
import { api, postJson } from "../helpers";
import { createWebhook, fakeReceiver, hang, jobEventMessage, newOwner, status, testDeps } from "../webhook-helpers";

let receiver: ReturnType<typeof fakeReceiver>;
beforeEach(() => {
  receiver = fakeReceiver();
});
afterEach(() => vi.restoreAllMocks());

const HOUR = 3600_000;
const attemptsOf = (effects: Effects) => effects.enqueue.map((e) => e.message as AttemptMessage);

async function deliveriesOf(auth: Record<string, string>, webhookId: string): Promise<Delivery[]> {
  const res = await api(`/api/webhooks/${webhookId}/deliveries`, { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json<{ deliveries: Delivery[] }>()).deliveries;
}

/** An owner with one endpoint on `host`, and the first attempt of one event for it. */
async function oneDelivery(host: string, type: "job.created" | "job.completed" = "job.created") {
  const owner = await newOwner();
  const hook = await createWebhook(owner.auth, { url: `https://${host}/hooks` });
  const { deps, clock } = testDeps();
  const fanned = await processWebhookMessage(deps, jobEventMessage(owner.owner, type, 1));
  expect(fanned.enqueue).toHaveLength(1);
  return { owner, hook, deps, clock, first: attemptsOf(fanned)[0]! };
}

describe("webhook delivery", { timeout: 15_000 }, () => {
  it("signs each webhook so that the standardwebhooks verifier accepts it", async () => {
    const { hook, deps, first } = await oneDelivery("sig.receiver.test");
    expect((await processWebhookMessage(deps, first)).enqueue).toEqual([]);
    const [got] = receiver.to("sig.receiver.test");
    const payload = new Webhook(hook.secret).verify(got!.body, got!.headers) as WebhookPayload;
    expect(payload.type).toBe("job.created");
    expect(payload.data.seq).toBe(1);
    expect(payload.data.job.input).toEqual({ frames: 10 });
    expect(got!.headers["webhook-id"]).toBe(first.delivery_id);
    expect(got!.headers["content-type"]).toBe("application/json");
  });

  it("sends each endpoint only the events it subscribed to (all but progress by default)", async () => {
    const owner = await newOwner();
    await createWebhook(owner.auth, { url: "https://all.receiver.test/" });
    await createWebhook(owner.auth, { url: "https://done.receiver.test/", events: ["job.completed"] });
    await createWebhook(owner.auth, { url: "https://progress.receiver.test/", events: ["job.progress"] });
    const { deps } = testDeps();
    const fanned = [];
    for (const [type, seq] of [["job.created", 1], ["job.progress", 2], ["job.completed", 3]] as const) {
      fanned.push(...attemptsOf(await processWebhookMessage(deps, jobEventMessage(owner.owner, type, seq, "job_filter"))));
    }
    for (const attempt of fanned) await processWebhookMessage(deps, attempt);
    const typesAt = (host: string) => receiver.to(host).map((r) => (JSON.parse(r.body) as WebhookPayload).type);
    expect(typesAt("all.receiver.test")).toEqual(["job.created", "job.completed"]);
    expect(typesAt("done.receiver.test")).toEqual(["job.completed"]);
    expect(typesAt("progress.receiver.test")).toEqual(["job.progress"]);
  });

  it("makes no second delivery when the same job event is handed over twice", async () => {
    const owner = await newOwner();
    await createWebhook(owner.auth, { url: "https://twice.receiver.test/" });
    const { deps } = testDeps();
    const event = jobEventMessage(owner.owner, "job.created", 1);
    const first = attemptsOf(await processWebhookMessage(deps, event));
    await processWebhookMessage(deps, first[0]!);
    expect((await processWebhookMessage(deps, event)).enqueue).toEqual([]);
    expect((await processWebhookMessage(deps, first[0]!)).enqueue).toEqual([]); // a repeated attempt message
    expect(receiver.to("twice.receiver.test")).toHaveLength(1);
  });

  it("makes an attempt again when a crash left it claimed but not logged", async () => {
    const { deps, first } = await oneDelivery("crash.receiver.test");
    await env.DB.prepare("UPDATE webhook_deliveries SET attempts = 1 WHERE id = ?").bind(first.delivery_id).run();
    await processWebhookMessage(deps, first);
    expect(receiver.to("crash.receiver.test")).toHaveLength(1);
    await processWebhookMessage(deps, first); // now logged: a repeat is dropped
    expect(receiver.to("crash.receiver.test")).toHaveLength(1);
  });

  it("retries a receiver that fails twice, and logs one delivery with three attempts", async () => {
    const { owner, hook, deps, clock, first } = await oneDelivery("flaky.receiver.test");
    receiver.answerWith("flaky.receiver.test", status(500, "boom"), async () => {
      throw new TypeError("connection reset");
    });
    const second = await processWebhookMessage(deps, first);
    expect(second.enqueue[0]!.delaySeconds).toBe(5);
    clock.now += 5_000;
    const third = await processWebhookMessage(deps, second.enqueue[0]!.message);
    expect(third.enqueue[0]!.delaySeconds).toBe(300);
    clock.now += 300_000;
    expect(await processWebhookMessage(deps, third.enqueue[0]!.message)).toEqual({ enqueue: [], deadLetter: [] });

    const deliveries = await deliveriesOf(owner.auth, hook.webhook.id);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.status).toBe("delivered");
    expect(deliveries[0]!.attempts.map((a) => [a.attempt, a.status_code])).toEqual([[1, 500], [2, null], [3, 200]]);
    expect(deliveries[0]!.attempts[0]!.response_body).toBe("boom");
    expect(deliveries[0]!.attempts[1]!.error).toMatch(/connection reset/);
    expect(new Set(receiver.to("flaky.receiver.test").map((r) => r.headers["webhook-id"]))).toEqual(new Set([first.delivery_id]));
  });

  it("logs the first 1 KiB of the answer, its status and latency", async () => {
    const { owner, hook, deps, first } = await oneDelivery("chatty.receiver.test");
    receiver.answerWith("chatty.receiver.test", status(202, "x".repeat(5000)));
    await processWebhookMessage(deps, first);
    const [delivery] = await deliveriesOf(owner.auth, hook.webhook.id);
    expect(delivery!.status).toBe("delivered");
    const [attempt] = delivery!.attempts;
    expect(attempt!.status_code).toBe(202);
    expect(attempt!.response_body).toBe("x".repeat(1024));
    expect(attempt!.latency_ms).toBeGreaterThanOrEqual(0);
    expect(attempt!.error).toBeNull();
  });

  it("does not follow a redirect: it is a failure that names the Location", async () => {
    const { owner, hook, deps, first } = await oneDelivery("moved.receiver.test");
    receiver.answerWith("moved.receiver.test", status(301, "", { location: "https://elsewhere.example/hooks" }));
    expect((await processWebhookMessage(deps, first)).enqueue).toHaveLength(1);
    const [delivery] = await deliveriesOf(owner.auth, hook.webhook.id);
    expect(delivery!.status).toBe("failed");
    expect(delivery!.attempts[0]!.error).toMatch(/redirect \(HTTP 301\) to https:\/\/elsewhere\.example\/hooks not followed/);
    expect(receiver.to("moved.receiver.test")[0]!.redirect).toBe("manual");
  });

  it("counts an answer slower than the timeout as a failure", async () => {
    const { owner, hook, deps, first } = await oneDelivery("slow.receiver.test");
    receiver.answerWith("slow.receiver.test", hang);
    expect((await processWebhookMessage(deps, first)).enqueue).toHaveLength(1);
    const [delivery] = await deliveriesOf(owner.auth, hook.webhook.id);
    expect(delivery!.attempts[0]!.error).toBe("timed out after 300 ms");
    expect(delivery!.next_attempt_at).not.toBeNull();
  });

  it("sends a delivery whose retries are spent to the dead-letter queue, keeping its attempt log", async () => {
    const { owner, hook, deps, clock, first } = await oneDelivery("down.receiver.test");
    receiver.answerWith("down.receiver.test", ...Array.from({ length: 7 }, () => status(503)));
    let effects = await processWebhookMessage(deps, first);
    for (let i = 0; i < 6; i++) {
      expect(effects.deadLetter).toEqual([]);
      clock.now += effects.enqueue[0]!.delaySeconds * 1000;
      effects = await processWebhookMessage(deps, effects.enqueue[0]!.message);
    }
    expect(effects.enqueue).toEqual([]);
    expect(effects.deadLetter).toHaveLength(1);
    await processDeadLetter(deps, effects.deadLetter[0]);
    const [delivery] = await deliveriesOf(owner.auth, hook.webhook.id);
    expect(delivery!.status).toBe("dead");
    expect(delivery!.attempts.map((a) => a.status_code)).toEqual([503, 503, 503, 503, 503, 503, 503]);
  });

  it("signs with the old and the new secret for 24 hours after a rotation, then with the new one only", async () => {
    const owner = await newOwner();
    const hook = await createWebhook(owner.auth, { url: "https://rotate.receiver.test/" });
    const rotated = await postJson(`/api/webhooks/${hook.webhook.id}/rotate-secret`, {}, owner.auth);
    expect(rotated.status).toBe(200);
    const { secret, webhook } = await rotated.json<{ secret: string; webhook: WebhookEndpoint }>();
    expect(secret).not.toBe(hook.secret);
    expect(webhook.previous_secret_expires_at).not.toBeNull();
    const { deps, clock } = testDeps();
    for (const attempt of attemptsOf(await processWebhookMessage(deps, jobEventMessage(owner.owner, "job.created", 1)))) {
      await processWebhookMessage(deps, attempt);
    }
    const [got] = receiver.to("rotate.receiver.test");
    expect(new Webhook(hook.secret).verify(got!.body, got!.headers)).toBeTruthy();
    expect(new Webhook(secret).verify(got!.body, got!.headers)).toBeTruthy();

    clock.now += 25 * HOUR;
    for (const attempt of attemptsOf(await processWebhookMessage(deps, jobEventMessage(owner.owner, "job.created", 1)))) {
      await processWebhookMessage(deps, attempt);
    }
    const late = receiver.to("rotate.receiver.test")[1]!;
    expect(late.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
  });

  it("disables an endpoint that has failed for five days, with a reason the API shows", async () => {
    const { owner, hook, deps, clock, first } = await oneDelivery("gone.receiver.test");
    receiver.answerWith("gone.receiver.test", status(410), status(410));
    await processWebhookMessage(deps, first);
    clock.now += 5 * 24 * HOUR;
    const later = attemptsOf(await processWebhookMessage(deps, jobEventMessage(owner.owner, "job.created", 1)));
    await processWebhookMessage(deps, later[0]!);
    const res = await api(`/api/webhooks/${hook.webhook.id}`, { headers: owner.auth });
    const { webhook } = await res.json<{ webhook: WebhookEndpoint }>();
    expect(webhook.enabled).toBe(false);
    expect(webhook.disabled_reason).toMatch(/^disabled automatically: every attempt failed since .* \(last: HTTP 410\)$/);
    // A disabled endpoint gets no new deliveries.
    expect((await processWebhookMessage(deps, jobEventMessage(owner.owner, "job.created", 1))).enqueue).toEqual([]);
  });

  it("drops log rows older than 30 days and keeps newer ones", async () => {
    const { owner, hook, deps, first } = await oneDelivery("old.receiver.test");
    await processWebhookMessage(deps, first);
    await dropOldWebhookLog(env, Date.now() + 29 * 24 * HOUR);
    expect(await deliveriesOf(owner.auth, hook.webhook.id)).toHaveLength(1);
    await dropOldWebhookLog(env, Date.now() + 31 * 24 * HOUR);
    expect(await deliveriesOf(owner.auth, hook.webhook.id)).toEqual([]);
    const db = database(env.DB);
    const left = await db.select().from(webhookAttempts).all();
    expect(left.filter((a) => a.deliveryId === first.delivery_id)).toEqual([]);
    expect((await db.select().from(webhookDeliveries).all()).some((d) => d.id === first.delivery_id)).toBe(false);
  });
});
