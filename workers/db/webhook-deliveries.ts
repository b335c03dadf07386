/**
 * Queries on webhook deliveries and their attempt log. A delivery is claimed
 * for attempt n with one conditional update (attempts = n - 1), so a repeated
 * queue message never makes an attempt twice, however many consumers run.
 */
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Delivery, DeliveryAttempt, WebhookEventType } from "../protocol";
import { database } from "./jobs";
import {
  webhookAttempts,
  webhookDeliveries,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
} from "./webhook-schema";

/** Inserts deliveries that do not exist yet (a repeated job event makes none twice). */
export async function insertDeliveries(d1: D1Database, rows: WebhookDeliveryRow[]): Promise<void> {
  if (rows.length === 0) return;
  const db = database(d1);
  const [first, ...rest] = rows.map((row) => db.insert(webhookDeliveries).values(row).onConflictDoNothing());
  await db.batch([first!, ...rest]);
}

/** Of these deliveries, the ones never attempted yet. */
export async function unattempted(d1: D1Database, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await database(d1)
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.id, ids), eq(webhookDeliveries.attempts, 0)))
    .all();
  return rows.map((r) => r.id);
}

export async function findDelivery(d1: D1Database, id: string): Promise<WebhookDeliveryRow | undefined> {
  return database(d1).select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
}

/** Claims attempt `attempt` of a delivery; false when it was already made (or the delivery is gone). */
export async function claimAttempt(d1: D1Database, id: string, attempt: number): Promise<boolean> {
  const rows = await database(d1)
    .update(webhookDeliveries)
    .set({ attempts: attempt })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.attempts, attempt - 1)))
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}

/** Whether attempt `attempt` of the delivery is in the log. */
export async function attemptLogged(d1: D1Database, deliveryId: string, attempt: number): Promise<boolean> {
  const row = await database(d1)
    .select({ id: webhookAttempts.id })
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.deliveryId, deliveryId), eq(webhookAttempts.attempt, attempt)))
    .get();
  return row !== undefined;
}

/** Logs an attempt and sets the delivery's status, in one batch. */
export async function recordAttempt(
  d1: D1Database,
  attempt: Omit<WebhookAttemptRow, "id">,
  delivery: Pick<WebhookDeliveryRow, "status" | "nextAttemptAt">,
): Promise<void> {
  const db = database(d1);
  await db.batch([
    db.insert(webhookAttempts).values(attempt),
    db.update(webhookDeliveries).set(delivery).where(eq(webhookDeliveries.id, attempt.deliveryId)),
  ]);
}

export async function setDeliveryStatus(
  d1: D1Database,
  id: string,
  set: Pick<WebhookDeliveryRow, "status" | "nextAttemptAt">,
): Promise<void> {
  await database(d1).update(webhookDeliveries).set(set).where(eq(webhookDeliveries.id, id));
}

/** The newest deliveries matching `where` (owner-filtered by the caller), each with its attempts. */
async function deliveriesWhere(d1: D1Database, where: ReturnType<typeof and>, limit: number): Promise<Delivery[]> {
  const db = database(d1);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(where)
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.seq))
    .limit(limit)
    .all();
  if (rows.length === 0) return [];
  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, rows.map((r) => r.id)))
    .orderBy(webhookAttempts.attempt)
    .all();
  return rows.map((row) => toDelivery(row, attempts.filter((a) => a.deliveryId === row.id)));
}

export function endpointDeliveries(d1: D1Database, owner: string, endpointId: string, limit: number) {
  return deliveriesWhere(d1, and(eq(webhookDeliveries.owner, owner), eq(webhookDeliveries.endpointId, endpointId)), limit);
}

export function batchDeliveries(d1: D1Database, owner: string, batchId: string, limit: number) {
  return deliveriesWhere(d1, and(eq(webhookDeliveries.owner, owner), eq(webhookDeliveries.batchId, batchId)), limit);
}

export function jobDeliveries(d1: D1Database, owner: string, jobId: string, limit: number) {
  return deliveriesWhere(d1, and(eq(webhookDeliveries.owner, owner), eq(webhookDeliveries.jobId, jobId)), limit);
}

export async function ownedDelivery(d1: D1Database, owner: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return database(d1)
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.owner, owner), eq(webhookDeliveries.id, id)))
    .get();
}

/** Drops deliveries made before `before` and every attempt logged before it. */
export async function dropOldDeliveries(d1: D1Database, before: number): Promise<void> {
  const db = database(d1);
  await db.batch([
    db.delete(webhookAttempts).where(lt(webhookAttempts.at, before)),
    db.delete(webhookDeliveries).where(lt(webhookDeliveries.createdAt, before)),
    db.delete(webhookAttempts).where(sql`${webhookAttempts.deliveryId} NOT IN (SELECT id FROM webhook_deliveries)`),
  ]);
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toAttempt(row: WebhookAttemptRow): DeliveryAttempt {
  return {
    attempt: row.attempt,
    at: new Date(row.at).toISOString(),
    trigger: row.trigger,
    status_code: row.statusCode,
    error: row.error,
    latency_ms: row.latencyMs,
    response_body: row.responseBody,
  };
}

export function toDelivery(row: WebhookDeliveryRow, attempts: WebhookAttemptRow[]): Delivery {
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    url: row.url,
    job_id: row.jobId,
    batch_id: row.batchId,
    event_type: row.eventType as WebhookEventType,
    seq: row.seq,
    status: row.status,
    created_at: new Date(row.createdAt).toISOString(),
    next_attempt_at: isoOrNull(row.nextAttemptAt),
    attempts: attempts.map(toAttempt),
  };
}
