/**
 * Queries on the D1 batch mirror (the owner's list of batches). Every read is
 * filtered by owner in SQL; the batch's object stays the authority and
 * writes its row after its commits (workers/batches/batch-effects.ts).
 */
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { BatchStatus, BatchSummary, BatchView } from "../protocol";
import { database, encodeCursor } from "./jobs";
import { batches, type BatchRow } from "./schema";

/** Writes `row` unless D1 already holds a newer version of the batch (late or repeated writes only move it forward). */
export async function upsertBatchRow(d1: D1Database, row: BatchRow): Promise<void> {
  const { id, ...rest } = row;
  await database(d1)
    .insert(batches)
    .values(row)
    .onConflictDoUpdate({ target: batches.id, set: rest, setWhere: sql`excluded.version > ${batches.version}` });
}

/** One page of `owner`'s batches, newest first, plus the cursor of the next page. */
export async function listBatchRows(
  d1: D1Database,
  owner: string,
  options: { status?: BatchStatus; limit: number; after?: { createdAt: number; id: string } },
): Promise<{ rows: BatchRow[]; nextCursor: string | null }> {
  const { status, limit, after } = options;
  const rows = await database(d1)
    .select()
    .from(batches)
    .where(
      and(
        eq(batches.owner, owner),
        status ? eq(batches.status, status) : undefined,
        after
          ? or(lt(batches.createdAt, after.createdAt), and(eq(batches.createdAt, after.createdAt), lt(batches.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(batches.createdAt), desc(batches.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** The mirror row of a batch as its object shows it at batch event seq `version`. */
export function toBatchRow(owner: string, view: BatchView, version: number): BatchRow {
  return {
    id: view.id,
    owner,
    status: view.status,
    total: view.total,
    ...view.counts,
    percent: view.progress.percent,
    createdAt: Date.parse(view.created_at),
    updatedAt: Date.parse(view.updated_at),
    finishedAt: view.finished_at === null ? null : Date.parse(view.finished_at),
    version,
  };
}

export function toBatchSummary(row: BatchRow): BatchSummary {
  return {
    id: row.id,
    status: row.status,
    total: row.total,
    counts: { queued: row.queued, running: row.running, completed: row.completed, failed: row.failed, canceled: row.canceled },
    percent: row.percent,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
    finished_at: row.finishedAt === null ? null : new Date(row.finishedAt).toISOString(),
  };
}

/** The list row of a batch straight from its view (the owner feed's message). */
export function batchSummaryOf(view: BatchView): BatchSummary {
  return toBatchSummary(toBatchRow("", view, 0));
}
