/**
 * Queries on webhook endpoints and the owners' job-webhook secrets. Every
 * read and write of an endpoint is filtered by owner in SQL, so another
 * owner's endpoint looks exactly like a missing one.
 */
import { and, asc, eq } from "drizzle-orm";
import type { WebhookEndpoint, WebhookEventType } from "../protocol";
import { database } from "./jobs";
import { webhookEndpoints, webhookJobSecrets, type WebhookEndpointRow, type WebhookJobSecretRow } from "./webhook-schema";

export async function insertEndpoint(d1: D1Database, row: WebhookEndpointRow): Promise<void> {
  await database(d1).insert(webhookEndpoints).values(row);
}

export async function findEndpoint(d1: D1Database, owner: string, id: string): Promise<WebhookEndpointRow | undefined> {
  return database(d1)
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.owner, owner), eq(webhookEndpoints.id, id)))
    .get();
}

export async function listEndpoints(d1: D1Database, owner: string): Promise<WebhookEndpointRow[]> {
  return database(d1)
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.owner, owner))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
    .all();
}

/** The owner's endpoints that receive new events. */
export async function enabledEndpoints(d1: D1Database, owner: string): Promise<WebhookEndpointRow[]> {
  return database(d1)
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.owner, owner), eq(webhookEndpoints.enabled, true)))
    .all();
}

/** Changes an endpoint of `owner`; the row as it is now, or undefined when there is none. */
export async function updateEndpoint(
  d1: D1Database,
  owner: string,
  id: string,
  set: Partial<Omit<WebhookEndpointRow, "id" | "owner" | "createdAt">>,
): Promise<WebhookEndpointRow | undefined> {
  const rows = await database(d1)
    .update(webhookEndpoints)
    .set(set)
    .where(and(eq(webhookEndpoints.owner, owner), eq(webhookEndpoints.id, id)))
    .returning();
  return rows[0];
}

export async function deleteEndpoint(d1: D1Database, owner: string, id: string): Promise<boolean> {
  const rows = await database(d1)
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.owner, owner), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** The owner's job-webhook secret, made on first use (`fresh` is used only if there is none yet). */
export async function jobWebhookSecret(d1: D1Database, owner: string, fresh: string, now: number): Promise<WebhookJobSecretRow> {
  const db = database(d1);
  const row = { owner, secret: fresh, previousSecret: null, previousSecretExpiresAt: null, createdAt: now };
  await db.insert(webhookJobSecrets).values(row).onConflictDoNothing();
  return (await db.select().from(webhookJobSecrets).where(eq(webhookJobSecrets.owner, owner)).get())!;
}

/** Replaces the owner's job-webhook secret; the old one keeps signing until `overlapUntil`. */
export async function rotateJobWebhookSecret(
  d1: D1Database,
  owner: string,
  fresh: string,
  now: number,
  overlapUntil: number,
): Promise<WebhookJobSecretRow> {
  const current = await jobWebhookSecret(d1, owner, fresh, now);
  if (current.secret === fresh) return current; // just made: nothing to overlap with
  const rows = await database(d1)
    .update(webhookJobSecrets)
    .set({ secret: fresh, previousSecret: current.secret, previousSecretExpiresAt: overlapUntil })
    .where(eq(webhookJobSecrets.owner, owner))
    .returning();
  return rows[0]!;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What the API shows of an endpoint: never its secrets. */
export function toWebhookEndpoint(row: WebhookEndpointRow, now: number): WebhookEndpoint {
  const overlap = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    description: row.description,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    failing_since: isoOrNull(row.failingSince),
    previous_secret_expires_at: overlap ? isoOrNull(row.previousSecretExpiresAt) : null,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}
