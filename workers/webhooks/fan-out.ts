/**
 * A handed-over event becomes one delivery per receiver that wants it: each
 * of the owner's enabled endpoints subscribed to its type, and (for a job
 * event) the job's own webhook. A delivery's id (the webhook-id header) is
 * derived from receiver, subject (job or batch) and seq, so a repeated event
 * makes no second delivery; the first attempt is sent for every delivery not
 * attempted yet.
 */
import { sha256Hex } from "../auth/digest";
import { enabledEndpoints } from "../db/webhook-endpoints";
import { insertDeliveries, unattempted } from "../db/webhook-deliveries";
import type { WebhookDeliveryRow } from "../db/webhook-schema";
import type { WebhookEventType } from "../protocol";
import { subscribedEvents, wants } from "./event-types";
import type { AttemptMessage, BatchEventMessage, JobEventMessage } from "./messages";
import { batchWebhookPayload, webhookPayload } from "./payload";

/**
 * The webhook-id of one event for one receiver (an endpoint id, or "job" for
 * the job's own webhook). `subjectId` is a job id, or a batch id for a batch
 * event: their prefixes (job_, bat_) keep the two apart, and a batch event's
 * seq is the batch's own, so each finish of a batch has its own id.
 */
export async function deliveryIdFor(receiver: string, subjectId: string, seq: number): Promise<string> {
  return `msg_${(await sha256Hex(`${receiver}:${subjectId}:${seq}`)).slice(0, 32)}`;
}

interface Receiver {
  key: string;
  endpointId: string | null;
  url: string;
}

async function receiversOf(env: Env, message: JobEventMessage | BatchEventMessage): Promise<Receiver[]> {
  const type = message.event.type;
  const endpoints = await enabledEndpoints(env.DB, message.owner);
  const receivers: Receiver[] = endpoints
    .filter((e) => wants(JSON.parse(e.events) as WebhookEventType[], type))
    .map((e) => ({ key: e.id, endpointId: e.id, url: e.url }));
  const own = message.kind === "job_event" ? message.job_webhook : null;
  if (own && wants(subscribedEvents(own.events), type)) receivers.push({ key: "job", endpointId: null, url: own.url });
  return receivers;
}

type Subject = Pick<WebhookDeliveryRow, "jobId" | "batchId" | "seq" | "eventType" | "payload">;

function subjectOf(message: JobEventMessage | BatchEventMessage): Subject {
  const { event } = message;
  if (message.kind === "batch_event") {
    const payload = JSON.stringify(batchWebhookPayload(message.event.type, event.at, message.event.batch, event.seq));
    return { jobId: null, batchId: message.event.batch.id, seq: event.seq, eventType: event.type, payload };
  }
  const payload = JSON.stringify(webhookPayload(message.event.type, event.at, message.event.job, event.seq));
  return { jobId: message.event.job.id, batchId: null, seq: event.seq, eventType: event.type, payload };
}

/** Makes the event's deliveries; returns the first attempt of each that has not had one. */
export async function fanOut(env: Env, message: JobEventMessage | BatchEventMessage, now: number): Promise<AttemptMessage[]> {
  const subject = subjectOf(message);
  const subjectId = (subject.jobId ?? subject.batchId)!;
  const rows: WebhookDeliveryRow[] = [];
  for (const receiver of await receiversOf(env, message)) {
    rows.push({
      id: await deliveryIdFor(receiver.key, subjectId, subject.seq),
      owner: message.owner,
      endpointId: receiver.endpointId,
      url: receiver.url,
      ...subject,
      origin: message.origin,
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
    .map((r) => ({ kind: "attempt", delivery_id: r.id, attempt: 1, trigger: "schedule", receiver: r.endpointId ?? `job:${subjectId}` }));
}
