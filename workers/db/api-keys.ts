/**
 * Queries on the API key table. Keys are looked up by hash only.
 */
import { and, eq, isNull } from "drizzle-orm";
import { database } from "./jobs";
import { apiKeys, type ApiKeyRow } from "./schema";

/** The unrevoked key with this hash, if any, whatever its role (the caller checks the role). */
export async function findActiveKey(d1: D1Database, keyHash: string): Promise<ApiKeyRow | undefined> {
  return database(d1)
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .get();
}

export async function insertApiKey(d1: D1Database, row: ApiKeyRow): Promise<void> {
  await database(d1).insert(apiKeys).values(row).onConflictDoNothing({ target: apiKeys.keyHash });
}

export async function revokeApiKey(d1: D1Database, id: string, now: number): Promise<void> {
  await database(d1).update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id));
}

/** The unrevoked key with this id, if any: a console session checks its key on every use. */
export async function findActiveKeyById(d1: D1Database, id: string): Promise<ApiKeyRow | undefined> {
  return database(d1)
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .get();
}
