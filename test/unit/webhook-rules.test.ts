/**
 * The pure rules of webhooks: which events are sent under which name, the
 * default filter, the retry schedule, which URLs are accepted, which events
 * the job object hands over, and signatures the Standard Webhooks verifier accepts.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { toJobView, createJobState } from "../../workers/jobs/job";
import type { JobEvent } from "../../workers/protocol";
import { subscribedEvents, wants, webhookTypeOf } from "../../workers/webhooks/event-types";
import { eventsToHandOver, isHandedAtOnce, progressToHandOver } from "../../workers/webhooks/handover-plan";
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds, shouldDisable, DISABLE_AFTER_MS } from "../../workers/webhooks/retry-schedule";
import { newWebhookSecret, signWebhook, signingSecrets } from "../../workers/webhooks/signing";
import { checkWebhookUrl } from "../../workers/webhooks/webhook-url";

const NOW = Date.UTC(2030, 0, 1);
const job = toJobView(
  createJobState({ id: "job_a", owner: "o", kind: "k", inputJson: "{}", origin: "https://t", maxAttempts: 3, heartbeatTimeoutMs: 60_000 }, NOW),
  null,
);
const event = (seq: number, type: JobEvent["type"]) => ({ type, seq, job_id: "job_a", at: new Date(NOW).toISOString(), job }) as JobEvent;

describe("event types", () => {
  it("maps every job event a backend cares about to its webhook type", () => {
    expect(webhookTypeOf("job:created")).toBe("job.created");
    expect(webhookTypeOf("job:completed")).toBe("job.completed");
    expect(webhookTypeOf("job:requeued")).toBe("job.requeued");
  });

  it("does not send recovered or refused-callback events", () => {
    expect(webhookTypeOf("job:recovered")).toBeNull();
    expect(webhookTypeOf("job:callback_refused")).toBeNull();
  });

  it("subscribes to all but progress by default, batch events included", () => {
    const events = subscribedEvents(undefined);
    expect(wants(events, "job.completed")).toBe(true);
    expect(wants(events, "batch.finished")).toBe(true);
    expect(wants(events, "job.progress")).toBe(false);
    expect(events).toHaveLength(10);
  });

  it("keeps only the events an endpoint names", () => {
    const events = subscribedEvents(["job.failed", "job.progress", "job.failed"]);
    expect(events).toEqual(["job.failed", "job.progress"]);
    expect(wants(events, "job.completed")).toBe(false);
  });
});

describe("retry schedule", () => {
  it("retries after about 5 s, 5 min, 30 min, 2 h, 5 h and 10 h, then gives up", () => {
    const middle = Array.from({ length: 6 }, (_, i) => retryDelaySeconds(i + 1, 0.5));
    expect(middle).toEqual([5, 300, 1800, 7200, 18000, 36000]);
    expect(retryDelaySeconds(7, 0.5)).toBeNull();
    expect(MAX_DELIVERY_ATTEMPTS).toBe(7);
  });

  it("spreads each delay by at most 10% either way", () => {
    expect(retryDelaySeconds(2, 0)).toBe(270);
    expect(retryDelaySeconds(2, 0.999_999)).toBe(330);
    expect(retryDelaySeconds(1, 0.999_999)!).toBeLessThanOrEqual(10);
  });

  it("disables an endpoint only after it has failed for five days", () => {
    expect(shouldDisable(null, NOW)).toBe(false);
    expect(shouldDisable(NOW - DISABLE_AFTER_MS + 1, NOW)).toBe(false);
    expect(shouldDisable(NOW - DISABLE_AFTER_MS, NOW)).toBe(true);
  });
});

describe("webhook URLs", () => {
  it("accepts https URLs", () => {
    expect(checkWebhookUrl("https://hooks.example.com/x?y=1", false)).toEqual({ ok: true, url: "https://hooks.example.com/x?y=1" });
  });

  it.each([
    ["not a url", "webhook_url_invalid"],
    ["http://hooks.example.com/", "webhook_url_insecure"],
    ["ftp://hooks.example.com/", "webhook_url_insecure"],
    ["https://user:pw@hooks.example.com/", "webhook_url_invalid"],
    ["https://localhost:8788/", "webhook_url_private"],
    ["http://127.0.0.1:8788/", "webhook_url_private"],
    ["https://10.0.0.7/", "webhook_url_private"],
    ["https://192.168.1.2/", "webhook_url_private"],
    ["https://169.254.169.254/latest", "webhook_url_private"],
    ["https://[::1]/", "webhook_url_private"],
  ])("refuses %s with %s", (url, code) => {
    expect(checkWebhookUrl(url, false)).toMatchObject({ ok: false, code });
  });

  it("accepts loopback hosts over http only when loopback is allowed", () => {
    expect(checkWebhookUrl("http://localhost:8788/", true)).toMatchObject({ ok: true });
    expect(checkWebhookUrl("http://127.0.0.1:8788/hook", true)).toMatchObject({ ok: true });
    expect(checkWebhookUrl("http://10.0.0.7/", true)).toMatchObject({ ok: false, code: "webhook_url_insecure" });
  });
});

describe("handover of a job's events", () => {
  it("hands over every event that has a webhook type but progress, in seq order", () => {
    const events = [event(1, "job:created"), event(2, "job:started"), event(3, "job:progress"), event(4, "job:callback_refused"), event(5, "job:completed")];
    expect(eventsToHandOver(events).map((e) => e.seq)).toEqual([1, 2, 5]);
  });

  it("asks for the webhooks effect at once for any event but progress and those not sent", () => {
    expect(isHandedAtOnce("job:stalled")).toBe(true);
    expect(isHandedAtOnce("job:progress")).toBe(false);
    expect(isHandedAtOnce("job:callback_refused")).toBe(false);
  });

  it("hands over only the newest progress", () => {
    const events = [event(3, "job:progress"), event(4, "job:progress"), event(5, "job:callback_refused")];
    expect(progressToHandOver(events)?.seq).toBe(4);
  });

  it("drops a progress once a later event carries the newer job", () => {
    expect(progressToHandOver([event(3, "job:progress"), event(4, "job:completed")])).toBeNull();
    expect(progressToHandOver([])).toBeNull();
  });
});

describe("signatures", () => {
  const body = JSON.stringify({ type: "job.created", timestamp: new Date().toISOString(), data: { seq: 1 } });

  it("are accepted by the Standard Webhooks verifier", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const headers = signWebhook([secret], "msg_1", Date.now(), body);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("are refused by the verifier with another secret or a changed body", () => {
    const headers = signWebhook([newWebhookSecret()], "msg_1", Date.now(), body);
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow();
  });

  it("carry one signature per secret, so both verify during a rotation's overlap", () => {
    const [old, fresh] = [newWebhookSecret(), newWebhookSecret()];
    const endpoint = { secret: fresh, previousSecret: old, previousSecretExpiresAt: Date.now() + 1000 };
    const headers = signWebhook(signingSecrets(endpoint, Date.now()), "msg_1", Date.now(), body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new Webhook(old).verify(body, { ...headers })).toBeTruthy();
    expect(new Webhook(fresh).verify(body, { ...headers })).toBeTruthy();
    expect(signingSecrets(endpoint, Date.now() + 1000)).toEqual([fresh]);
  });
});
