/**
 * Counts the tracker's D1 writes in D1 itself: before the dev server starts,
 * a trigger on every table appends one row to `bench_d1_writes` for each row
 * inserted, updated or deleted; the bench reads the count from the local
 * sqlite file (read-only, beside the running server). A counted figure: the
 * row changes D1 bills as "rows written", less any index entries.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

const LOG_TABLE = "bench_d1_writes";

/** The local D1 database file of the one database under `state`. */
function databaseFile(state: string): string {
  const dir = join(state, "v3/d1/miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.length}`);
  return join(dir, files[0]!);
}

/** Adds the log table and a trigger per table and operation; run after the migrations, before the server starts. */
export function installWriteCounters(state: string): void {
  const db = new DatabaseSync(databaseFile(state));
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'")
      .all()
      .map((row) => String(row.name));
    db.exec(`CREATE TABLE ${LOG_TABLE} (tbl TEXT NOT NULL, op TEXT NOT NULL)`);
    for (const table of tables) {
      for (const op of ["INSERT", "UPDATE", "DELETE"]) {
        db.exec(
          `CREATE TRIGGER bench_count_${table}_${op.toLowerCase()} AFTER ${op} ON "${table}" ` +
            `BEGIN INSERT INTO ${LOG_TABLE} (tbl, op) VALUES ('${table}', '${op}'); END`,
        );
      }
    }
  } finally {
    db.close();
  }
}

/** Rows written so far, per table, and in all. */
export interface D1Writes {
  total: number;
  byTable: Record<string, number>;
}

/** Reads the counters from the live database. */
export function readWrites(state: string): D1Writes {
  const db = new DatabaseSync(databaseFile(state), { readOnly: true });
  try {
    const rows = db.prepare(`SELECT tbl, COUNT(*) AS n FROM ${LOG_TABLE} GROUP BY tbl`).all();
    const byTable = Object.fromEntries(rows.map((r) => [String(r.tbl), Number(r.n)]));
    return { total: Object.values(byTable).reduce((a, b) => a + b, 0), byTable };
  } finally {
    db.close();
  }
}

/** The writes between two readings. */
export function writesSince(before: D1Writes, after: D1Writes): D1Writes {
  const byTable: Record<string, number> = {};
  for (const [table, n] of Object.entries(after.byTable)) byTable[table] = n - (before.byTable[table] ?? 0);
  return { total: after.total - before.total, byTable };
}
