/**
 * One attempt of a delivery: claim it (a repeated message makes no second
 * attempt), sign the payload for this moment with the receiver's secrets,
 * post it, log the attempt and decide what follows: nothing (delivered), a
 * retry after the schedule's delay, or the dead-letter queue when the
 * budget is spent. A redelivery asked for through the API is one attempt
 * with no retries of its own. The endpoint's failure streak is kept here,
 * and an endpoint failing for days is disabled with the reason.
 */
import { signDownloadUrl } from "../auth/download-link";
import { readConfig } from "../config";
import { attemptLogged, claimAttempt, findDelivery, recordAttempt, setDeliveryStatus } from "../db/webhook-deliveries";
import { findEndpoint, jobWebhookSecret, updateEndpoint } from "../db/webhook-endpoints";
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from "../db/webhook-schema";
import { log } from "../log";
import type { WebhookPayload } from "../protocol";
import type { AttemptMessage } from "./messages";
import { jobPayloadOf, withDownload } from "./payload";
import { postWebhook, type AttemptResult } from "./post-webhook";
import { retryDelaySeconds, shouldDisable } from "./retry-schedule";
import { newWebhookSecret, signWebhook, signingSecrets } from "./signing";

/** What the caller passes in: the bindings, a clock and a source of randomness (for the jitter). */
export interface WebhookDeps {
  env: Env;
  now: () => number;
  random: () => number;
}

export type AttemptOutcome =
  | { kind: "delivered" }
  | { kind: "retry"; next: AttemptMessage; delaySeconds: number }
  | { kind: "dead" }
  | { kind: "failed" }
  | { kind: "skipped"; reason: string };

/** The body for this attempt: a completed job's download link is signed now (a batch's body is as stored). */
async function bodyFor(env: Env, delivery: WebhookDeliveryRow, now: number): Promise<string> {
  const payload = jobPayloadOf(JSON.parse(delivery.payload) as WebhookPayload);
  const job = payload?.data.job;
  if (!payload || !job || job.status !== "completed" || job.output === null) return delivery.payload;
  const config = readConfig(env);
  const link = await signDownloadUrl(config.signingSecret, delivery.origin, job.id, now, config.downloadTtlSeconds);
  return JSON.stringify(withDownload(payload, link));
}

type Target = { ok: true; url: string; secrets: string[]; endpoint: WebhookEndpointRow | null } | { ok: false; reason: string };

async function targetOf(env: Env, delivery: WebhookDeliveryRow, now: number): Promise<Target> {
  if (delivery.endpointId === null) {
    const secrets = await jobWebhookSecret(env.DB, delivery.owner, newWebhookSecret(), now);
    return { ok: true, url: delivery.url, secrets: signingSecrets(secrets, now), endpoint: null };
  }
  const endpoint = await findEndpoint(env.DB, delivery.owner, delivery.endpointId);
  if (!endpoint) return { ok: false, reason: "the endpoint was deleted" };
  if (!endpoint.enabled) return { ok: false, reason: "the endpoint is disabled" };
  return { ok: true, url: endpoint.url, secrets: signingSecrets(endpoint, now), endpoint };
}

/** Keeps the endpoint's failure streak; disables it once it has failed for days. */
async function trackHealth(env: Env, endpoint: WebhookEndpointRow, result: AttemptResult, now: number): Promise<void> {
  if (result.ok) {
    if (endpoint.failingSince !== null) await updateEndpoint(env.DB, endpoint.owner, endpoint.id, { failingSince: null });
    return;
  }
  const failingSince = endpoint.failingSince ?? now;
  if (!shouldDisable(failingSince, now)) {
    if (endpoint.failingSince === null) await updateEndpoint(env.DB, endpoint.owner, endpoint.id, { failingSince });
    return;
  }
  const disabledReason = `disabled automatically: every attempt failed since ${new Date(failingSince).toISOString()} (last: ${result.error})`;
  await updateEndpoint(env.DB, endpoint.owner, endpoint.id, { enabled: false, disabledReason, updatedAt: now });
  log.warn("webhook.endpoint_disabled", { endpoint_id: endpoint.id, owner: endpoint.owner, failing_since: failingSince });
}

/**
 * Claims attempt n: the delivery's count moves from n - 1 to n once. A
 * message retried after a crash between claim and log finds its claim made
 * but no log row, and tries again (at least once; receivers dedupe on webhook-id).
 */
async function claim(env: Env, delivery: WebhookDeliveryRow, attempt: number): Promise<boolean> {
  if (await claimAttempt(env.DB, delivery.id, attempt)) return true;
  return delivery.attempts === attempt && !(await attemptLogged(env.DB, delivery.id, attempt));
}

function logRow(delivery: WebhookDeliveryRow, message: AttemptMessage, at: number, result: AttemptResult): Omit<WebhookAttemptRow, "id"> {
  return {
    deliveryId: delivery.id,
    attempt: message.attempt,
    trigger: message.trigger,
    at,
    eventType: delivery.eventType,
    jobId: delivery.jobId,
    batchId: delivery.batchId,
    statusCode: result.statusCode,
    error: result.error,
    latencyMs: result.latencyMs,
    responseBody: result.responseBody,
  };
}

/** Makes the attempt `message` asks for. */
export async function runAttempt(deps: WebhookDeps, message: AttemptMessage): Promise<AttemptOutcome> {
  const { env } = deps;
  const delivery = await findDelivery(env.DB, message.delivery_id);
  if (!delivery) return { kind: "skipped", reason: "no such delivery" };
  const target = await targetOf(env, delivery, deps.now());
  if (!target.ok) {
    if (delivery.status === "pending" || delivery.status === "failed") {
      await setDeliveryStatus(env.DB, delivery.id, { status: "dead", nextAttemptAt: null });
    }
    return { kind: "skipped", reason: target.reason };
  }
  if (!(await claim(env, delivery, message.attempt))) return { kind: "skipped", reason: "attempt already made" };

  const at = deps.now();
  const body = await bodyFor(env, delivery, at);
  const headers = signWebhook(target.secrets, delivery.id, at, body);
  const result = await postWebhook(target.url, headers, body, readConfig(env).webhookTimeoutMs, deps.now);
  const delay = result.ok || message.trigger === "redeliver" ? null : retryDelaySeconds(message.attempt, deps.random());
  const nextAttemptAt = delay === null ? null : at + delay * 1000;
  await recordAttempt(env.DB, logRow(delivery, message, at, result), { status: result.ok ? "delivered" : "failed", nextAttemptAt });
  if (target.endpoint) await trackHealth(env, target.endpoint, result, deps.now());
  log.info("webhook.attempt", {
    delivery_id: delivery.id,
    job_id: delivery.jobId,
    batch_id: delivery.batchId,
    event_type: delivery.eventType,
    attempt: message.attempt,
    status_code: result.statusCode,
    error: result.error,
    latency_ms: result.latencyMs,
  });
  if (result.ok) return { kind: "delivered" };
  if (message.trigger === "redeliver") return { kind: "failed" };
  if (delay === null) return { kind: "dead" };
  return { kind: "retry", next: { ...message, attempt: message.attempt + 1 }, delaySeconds: delay };
}
