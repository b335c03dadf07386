/**
 * The object's SQLite storage: the job, its append-only event log (the last
 * EVENT_LOG_LIMIT events, with a per-job seq that only grows) and the D1
 * mirror's bookkeeping. Every logical update is one synchronous transaction.
 *
 * Tables are created on the first create(), so an id that was only probed
 * (a GET of a job that does not exist) leaves no storage behind.
 */
import type { JobEvent } from "../protocol";
import { toJobView, type JobState } from "./job";
import { INITIAL_MIRROR, type MirrorState } from "./mirror-policy";
import type { EventDraft } from "./transition";

export const EVENT_LOG_LIMIT = 1000;

/**
 * Each entry migrates from the version before it; the schema_version table
 * records how far we are (PRAGMA user_version is not authorized in objects).
 */
const MIGRATIONS = [
  `CREATE TABLE schema_version (version INTEGER NOT NULL);
   INSERT INTO schema_version (version) VALUES (0);
   CREATE TABLE job (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     state TEXT NOT NULL,
     seq INTEGER NOT NULL,
     request_fingerprint TEXT NOT NULL
   );
   CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, message TEXT NOT NULL);
   CREATE TABLE mirror (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);`,
];

export interface StoredJob {
  job: JobState;
  /** The seq of the newest event. */
  seq: number;
  requestFingerprint: string;
}

export class JobStore {
  constructor(private readonly storage: DurableObjectStorage) {}

  private get sql() {
    return this.storage.sql;
  }

  private version(): number {
    const exists = this.sql
      .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
      .toArray().length;
    if (!exists) return 0;
    return this.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version;
  }

  private migrate(): void {
    const from = this.version();
    if (from === MIGRATIONS.length) return;
    this.storage.transactionSync(() => {
      for (let v = from; v < MIGRATIONS.length; v++) this.sql.exec(MIGRATIONS[v]!);
      this.sql.exec("UPDATE schema_version SET version = ?", MIGRATIONS.length);
    });
  }

  /** The stored job, or null when this object holds none. */
  load(): StoredJob | null {
    const version = this.version();
    if (version === 0) return null;
    if (version < MIGRATIONS.length) this.migrate();
    const row = this.sql
      .exec<{ state: string; seq: number; request_fingerprint: string }>(
        "SELECT state, seq, request_fingerprint FROM job WHERE id = 1",
      )
      .toArray()[0];
    if (!row) return null;
    return { job: JSON.parse(row.state) as JobState, seq: row.seq, requestFingerprint: row.request_fingerprint };
  }

  /** Stores a new job and its first events. */
  create(job: JobState, requestFingerprint: string, events: EventDraft[], now: number): JobEvent[] {
    this.migrate();
    return this.storage.transactionSync(() => {
      const stamped = this.appendEvents(job, 0, events, now);
      this.sql.exec(
        "INSERT INTO job (id, state, seq, request_fingerprint) VALUES (1, ?, ?, ?)",
        JSON.stringify(job),
        stamped.length,
        requestFingerprint,
      );
      this.sql.exec("INSERT INTO mirror (id, state) VALUES (1, ?)", JSON.stringify(INITIAL_MIRROR));
      return stamped;
    });
  }

  /** Saves `job` and appends `events` (stamped with the next seqs) in one transaction. */
  commit(job: JobState, events: EventDraft[], now: number): JobEvent[] {
    return this.storage.transactionSync(() => {
      const { seq } = this.sql.exec<{ seq: number }>("SELECT seq FROM job WHERE id = 1").one();
      const stamped = this.appendEvents(job, seq, events, now);
      this.sql.exec("UPDATE job SET state = ?, seq = ? WHERE id = 1", JSON.stringify(job), seq + stamped.length);
      return stamped;
    });
  }

  /** Inserts `events` after `seq` and trims the log to its last EVENT_LOG_LIMIT entries. */
  private appendEvents(job: JobState, seq: number, events: EventDraft[], now: number): JobEvent[] {
    if (events.length === 0) return [];
    const view = toJobView(job, null);
    const at = new Date(now).toISOString();
    const stamped = events.map((e, i) => ({ ...e, job_id: job.id, seq: seq + i + 1, at, job: view }) as JobEvent);
    for (const e of stamped) {
      this.sql.exec("INSERT INTO events (seq, type, message) VALUES (?, ?, ?)", e.seq, e.type, JSON.stringify(e));
    }
    this.sql.exec("DELETE FROM events WHERE seq <= ?", seq + events.length - EVENT_LOG_LIMIT);
    return stamped;
  }

  /**
   * The events after `since`, oldest first; null when some of them have left
   * the log (or `since` is ahead of it), in which case send a snapshot.
   */
  eventsSince(since: number): JobEvent[] | null {
    const stored = this.load();
    if (!stored || since > stored.seq) return null;
    if (since === stored.seq) return [];
    const oldest = this.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM events").one().seq;
    if (oldest === null || since + 1 < oldest) return null;
    return this.sql
      .exec<{ message: string }>("SELECT message FROM events WHERE seq > ? ORDER BY seq", since)
      .toArray()
      .map((r) => JSON.parse(r.message) as JobEvent);
  }

  /** The logged events after `seq`, oldest first: as many as the log still holds. */
  eventsAfter(seq: number): JobEvent[] {
    return this.sql
      .exec<{ message: string }>("SELECT message FROM events WHERE seq > ? ORDER BY seq", seq)
      .toArray()
      .map((r) => JSON.parse(r.message) as JobEvent);
  }

  mirror(): MirrorState {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM mirror WHERE id = 1").toArray()[0];
    return row ? (JSON.parse(row.state) as MirrorState) : INITIAL_MIRROR;
  }

  saveMirror(mirror: MirrorState): void {
    this.sql.exec("UPDATE mirror SET state = ? WHERE id = 1", JSON.stringify(mirror));
  }
}
