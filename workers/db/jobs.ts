/**
 * Queries on the D1 job mirror. Every read is filtered by owner in SQL.
 */
import { and, count, desc, eq, getTableColumns, lt, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { JobStatus, JobSummary } from "../protocol";
import type { JobState } from "../jobs/job";
import { jobs, type JobRow } from "./schema";

export const database = (d1: D1Database) => drizzle(d1);

/** Columns a job's row keeps from its creation on: an update leaves them, and the index on them, alone. */
const FIXED_COLUMNS: ReadonlySet<string> = new Set<keyof JobRow>(["id", "owner", "kind", "createdAt", "batchId"]);

/**
 * The mirror's upsert, built once per D1 binding: it is the hot path's one D1 write (each
 * status change, and a job's progress every MIRROR_INTERVAL_MS), and drizzle building it on
 * every call cost more of the object's CPU than sending it. An update takes its values from
 * `excluded`, so each is bound once.
 */
function prepareUpsert(d1: D1Database) {
  const columns = Object.entries(getTableColumns(jobs));
  const values = Object.fromEntries(columns.map(([key]) => [key, sql.placeholder(key)]));
  const set = Object.fromEntries(
    columns.filter(([key]) => !FIXED_COLUMNS.has(key)).map(([key, column]) => [key, sql.raw(`excluded.${column.name}`)]),
  );
  return database(d1)
    .insert(jobs)
    .values(values as unknown as JobRow)
    .onConflictDoUpdate({ target: jobs.id, set, setWhere: sql`excluded.version > ${jobs.version}` })
    .prepare();
}

const preparedUpserts = new WeakMap<D1Database, ReturnType<typeof prepareUpsert>>();

/**
 * Writes `row` unless D1 already holds a newer version of the job, so that
 * writes racing each other (or retried late) can only move the mirror forward.
 */
export async function upsertJobRow(d1: D1Database, row: JobRow): Promise<void> {
  let upsert = preparedUpserts.get(d1);
  if (!upsert) preparedUpserts.set(d1, (upsert = prepareUpsert(d1)));
  await upsert.run(row);
}

/** Deletes the job's row (retention); deleting a missing row is fine. */
export async function deleteJobRow(d1: D1Database, id: string): Promise<void> {
  await database(d1).delete(jobs).where(eq(jobs.id, id));
}

export async function findJobRow(d1: D1Database, id: string): Promise<JobRow | undefined> {
  return database(d1).select().from(jobs).where(eq(jobs.id, id)).get();
}

/** Opaque keyset cursor: the (created_at, id) of the last row of the previous page. */
export function encodeCursor(row: Pick<JobRow, "createdAt" | "id">): string {
  return btoa(`${row.createdAt}:${row.id}`).replace(/=+$/, "");
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } | null {
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    return null;
  }
  const match = /^([0-9]{1,15}):([A-Za-z0-9_-]{1,64})$/.exec(text);
  return match ? { createdAt: Number(match[1]), id: match[2]! } : null;
}

/** One page of `owner`'s jobs, newest first, plus the cursor of the next page. */
export async function listJobRows(
  d1: D1Database,
  owner: string,
  options: { status?: JobStatus; kind?: string; idContains?: string; limit: number; after?: { createdAt: number; id: string } },
): Promise<{ rows: JobRow[]; nextCursor: string | null }> {
  const { status, kind, idContains, limit, after } = options;
  const rows = await database(d1)
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.owner, owner),
        status ? eq(jobs.status, status) : undefined,
        kind ? eq(jobs.kind, kind) : undefined,
        // instr, not LIKE: '_' in ids would be a wildcard.
        idContains ? sql`instr(${jobs.id}, ${idContains.toLowerCase()}) > 0` : undefined,
        after
          ? or(lt(jobs.createdAt, after.createdAt), and(eq(jobs.createdAt, after.createdAt), lt(jobs.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** `owner`'s job counts by status. */
export async function countJobsByStatus(d1: D1Database, owner: string): Promise<Partial<Record<JobStatus, number>>> {
  const rows = await database(d1)
    .select({ status: jobs.status, n: count() })
    .from(jobs)
    .where(eq(jobs.owner, owner))
    .groupBy(jobs.status)
    .all();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toJobSummary(row: JobRow): JobSummary {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    stage: row.stage,
    attempt: row.attempt,
    error: row.error,
    output_size: row.outputSize,
    output_type: row.outputType,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
    finished_at: isoOrNull(row.finishedAt),
    batch_id: row.batchId,
  };
}

/** The mirror row of a job as the object holds it at event seq `version`. */
export function toJobRow(job: JobState, version: number): JobRow {
  return {
    id: job.id,
    owner: job.owner,
    kind: job.kind,
    status: job.status,
    progress: job.progress.percent,
    stage: job.progress.stage,
    attempt: job.attempt,
    error: job.error?.message ?? null,
    outputKey: job.output?.key ?? null,
    outputSize: job.output?.size ?? null,
    outputType: job.output?.contentType ?? null,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
    batchId: job.batchId ?? null,
    version,
  };
}
