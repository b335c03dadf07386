/**
 * The `effects` table an object keeps for its after-commit effects (a job's and a batch's alike):
 * one row per effect kind, as effect-schedule.ts describes it. The stores own their transactions;
 * these are the table's statements.
 */
import type { EffectRow } from "./effect-schedule";

type EffectRecord = {
  kind: string;
  due_at: number | null;
  failures: number;
  last_started_at: number | null;
  lease_until: number | null;
  done_seq: number | null;
};

export const SELECT_EFFECT_ROWS = "SELECT kind, due_at, failures, last_started_at, lease_until, done_seq FROM effects";

/** Every row, by kind. `query` runs SELECT_EFFECT_ROWS (a store may count its reads). */
export function effectRowsOf(query: (sql: string) => SqlStorageCursor<EffectRecord>): Map<string, EffectRow> {
  return new Map(
    query(SELECT_EFFECT_ROWS)
      .toArray()
      .map((r) => [
        r.kind,
        { kind: r.kind, dueAt: r.due_at, failures: r.failures, lastStartedAt: r.last_started_at, leaseUntil: r.lease_until, doneSeq: r.done_seq },
      ]),
  );
}

/** Writes one row (inside the caller's transaction). */
export function writeEffectRow(sql: SqlStorage, r: EffectRow): void {
  sql.exec(
    `INSERT INTO effects (kind, due_at, failures, last_started_at, lease_until, done_seq) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (kind) DO UPDATE SET due_at = excluded.due_at, failures = excluded.failures,
       last_started_at = excluded.last_started_at, lease_until = excluded.lease_until, done_seq = excluded.done_seq`,
    r.kind,
    r.dueAt,
    r.failures,
    r.lastStartedAt,
    r.leaseUntil,
    r.doneSeq,
  );
}
