/**
 * A handed-over job event becomes one delivery per receiver that wants it:
 * each of the owner's enabled endpoints subscribed to its type, and the
 * job's own webhook. A delivery's id (the webhook-id header) is derived from
 * receiver, job and seq, so a repeated job event makes no second delivery;
 * the first attempt is sent for every delivery not attempted yet.
 */
import { sha256Hex } from "../auth/digest";
import { enabledEndpoints } from "../db/webhook-endpoints";
import { insertDeliveries, unattempted } from "../db/webhook-deliveries";
import type { WebhookDeliveryRow } from "../db/webhook-schema";
import type { WebhookEventType } from "../protocol";
import { subscribedEvents, wants } from "./event-types";
import type { AttemptMessage, JobEventMessage } from "./messages";
import { webhookPayload } from "./payload";

/** The webhook-id of one event for one receiver (an endpoint id, or "job" for the job's own webhook). */
export async function deliveryIdFor(receiver: string, jobId: string, seq: number): Promise<string> {
  return `msg_${(await sha256Hex(`${receiver}:${jobId}:${seq}`)).slice(0, 32)}`;
}

interface Receiver {
  key: string;
  endpointId: string | null;
  url: string;
}

async function receiversOf(env: Env, message: JobEventMessage): Promise<Receiver[]> {
  const type = message.event.type;
  const endpoints = await enabledEndpoints(env.DB, message.owner);
  const receivers: Receiver[] = endpoints
    .filter((e) => wants(JSON.parse(e.events) as WebhookEventType[], type))
    .map((e) => ({ key: e.id, endpointId: e.id, url: e.url }));
  const own = message.job_webhook;
  if (own && wants(subscribedEvents(own.events), type)) receivers.push({ key: "job", endpointId: null, url: own.url });
  return receivers;
}

/** Makes the event's deliveries; returns the first attempt of each that has not had one. */
export async function fanOut(env: Env, message: JobEventMessage, now: number): Promise<AttemptMessage[]> {
  const { event, owner, origin } = message;
  const payload = JSON.stringify(webhookPayload(event.type, event.at, event.job, event.seq));
  const rows: WebhookDeliveryRow[] = [];
  for (const receiver of await receiversOf(env, message)) {
    rows.push({
      id: await deliveryIdFor(receiver.key, event.job.id, event.seq),
      owner,
      endpointId: receiver.endpointId,
      url: receiver.url,
      jobId: event.job.id,
      seq: event.seq,
      eventType: event.type,
      payload,
      origin,
      status: "pending",
      attempts: 0,
      createdAt: now,
      nextAttemptAt: now,
    });
  }
  await insertDeliveries(env.DB, rows);
  const fresh = new Set(await unattempted(env.DB, rows.map((r) => r.id)));
  return rows
    .filter((r) => fresh.has(r.id))
    .map((r) => ({ kind: "attempt", delivery_id: r.id, attempt: 1, trigger: "schedule", receiver: r.endpointId ?? `job:${r.jobId}` }));
}
