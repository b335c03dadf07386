/**
 * The channel's part of a job object's SQLite: the report ids already applied
 * (id -> seq, bounded), the progress coalescing state, the log ring and its
 * rate bucket, and the newest preview. Its tables sit beside JobStore's and
 * are versioned on their own (channel_schema), so the job's schema is untouched.
 *
 * Writes are plain statements: the object runs the ones that belong to an
 * update inside that update's transaction (JobStore.commit's `alsoWrite`).
 * The single-row state is read once per instance and replaced on every write.
 */
import { CHANNEL_LIMITS } from "../protocol";
import { INITIAL_COALESCE, type CoalesceState } from "./progress-coalescing";

const MIGRATIONS = [
  `CREATE TABLE channel_schema (version INTEGER NOT NULL);
   INSERT INTO channel_schema (version) VALUES (0);
   CREATE TABLE channel_ids (n INTEGER PRIMARY KEY AUTOINCREMENT, attempt INTEGER NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL);
   CREATE UNIQUE INDEX channel_ids_by_id ON channel_ids (attempt, id);
   CREATE TABLE channel_state (k INTEGER PRIMARY KEY CHECK (k = 1), state TEXT NOT NULL);
   CREATE TABLE channel_log (log_seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, text TEXT NOT NULL);`,
];

export interface StoredPreview {
  key: string;
  frame: string | null;
  size: number;
  contentType: string;
  uploadedAt: number;
}

export interface ChannelState {
  coalesce: CoalesceState;
  /** The log rate bucket: tokens are lines. */
  logTokens: number;
  logRefilledAt: number | null;
  lastLogSeq: number;
  preview: StoredPreview | null;
}

const INITIAL_STATE: ChannelState = {
  coalesce: INITIAL_COALESCE,
  logTokens: CHANNEL_LIMITS.logBurstLines,
  logRefilledAt: null,
  lastLogSeq: 0,
  preview: null,
};

export interface StoredLogLine {
  logSeq: number;
  at: number;
  text: string;
}

export class ChannelStore {
  private migrated = false;
  private state: ChannelState | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  private get sql() {
    return this.storage.sql;
  }

  private migrate(): void {
    if (this.migrated) return;
    const exists = this.sql
      .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'channel_schema'")
      .toArray().length;
    const from = exists ? this.sql.exec<{ version: number }>("SELECT version FROM channel_schema").one().version : 0;
    if (from < MIGRATIONS.length) {
      this.storage.transactionSync(() => {
        for (let v = from; v < MIGRATIONS.length; v++) this.sql.exec(MIGRATIONS[v]!);
        this.sql.exec("UPDATE channel_schema SET version = ?", MIGRATIONS.length);
      });
    }
    this.migrated = true;
  }

  /** Forgets what it knows of storage, after the object's deleteAll (retention). */
  forget(): void {
    this.migrated = false;
    this.state = undefined;
  }

  read(): ChannelState {
    if (this.state) return this.state;
    this.migrate();
    const row = this.sql.exec<{ state: string }>("SELECT state FROM channel_state WHERE k = 1").toArray()[0];
    this.state = row ? { ...INITIAL_STATE, ...(JSON.parse(row.state) as Partial<ChannelState>) } : INITIAL_STATE;
    return this.state;
  }

  /** Writes `state` (inside the caller's transaction when there is one). */
  write(state: ChannelState): void {
    this.migrate();
    this.sql.exec(
      "INSERT INTO channel_state (k, state) VALUES (1, ?) ON CONFLICT (k) DO UPDATE SET state = excluded.state",
      JSON.stringify(state),
    );
    this.state = state;
  }

  /** The seq a report id of `attempt` was acked with, or null when it was never applied (or was forgotten). */
  appliedSeq(attempt: number, id: string): number | null {
    this.migrate();
    const row = this.sql
      .exec<{ seq: number }>("SELECT seq FROM channel_ids WHERE attempt = ? AND id = ?", attempt, id)
      .toArray()[0];
    return row ? row.seq : null;
  }

  /** Remembers an applied id; only the newest CHANNEL_LIMITS.rememberedIds are kept (the current attempt's, newest first). */
  rememberApplied(attempt: number, id: string, seq: number): void {
    this.migrate();
    const n = this.sql
      .exec<{ n: number }>("INSERT INTO channel_ids (attempt, id, seq) VALUES (?, ?, ?) RETURNING n", attempt, id, seq)
      .one().n;
    if (n % 100 === 0) this.sql.exec("DELETE FROM channel_ids WHERE n <= ?", n - CHANNEL_LIMITS.rememberedIds);
  }

  /** Appends log lines after `state.lastLogSeq` and trims the ring; returns them as stored. */
  appendLog(fromSeq: number, texts: readonly string[], now: number): StoredLogLine[] {
    this.migrate();
    const lines = texts.map((text, i) => ({ logSeq: fromSeq + i + 1, at: now, text }));
    for (const l of lines) this.sql.exec("INSERT INTO channel_log (log_seq, at, text) VALUES (?, ?, ?)", l.logSeq, l.at, l.text);
    this.sql.exec("DELETE FROM channel_log WHERE log_seq <= ?", fromSeq + texts.length - CHANNEL_LIMITS.logRingLines);
    return lines;
  }

  /** Up to `limit` log lines after `since`, oldest first. */
  logSince(since: number, limit: number): StoredLogLine[] {
    this.migrate();
    return this.sql
      .exec<{ log_seq: number; at: number; text: string }>(
        "SELECT log_seq, at, text FROM channel_log WHERE log_seq > ? ORDER BY log_seq LIMIT ?",
        since,
        limit,
      )
      .toArray()
      .map((r) => ({ logSeq: r.log_seq, at: r.at, text: r.text }));
  }

  /** The newest `limit` lines, oldest first. */
  logTail(limit: number): StoredLogLine[] {
    const last = this.read().lastLogSeq;
    return this.logSince(Math.max(0, last - limit), limit);
  }
}
