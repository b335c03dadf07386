/**
 * The object's SQLite storage: the job, its append-only event log (the last
 * EVENT_LOG_LIMIT events, with a per-job seq that only grows) and the rows of
 * its after-commit effects. Every logical update is one synchronous transaction.
 *
 * The object is single-threaded and this store is the only writer of its
 * storage, so the job and the effect rows are read from SQLite once per
 * instance and the copy is replaced on every commit. Tables are created on
 * the first create(), so an id that was only probed (a GET of a job that
 * does not exist) leaves no storage behind.
 */
import type { EffectRow } from "../effects/effect-schedule";
import { effectRowsOf, writeEffectRow } from "../effects/effect-table";
import type { JobEvent } from "../protocol";
import { toJobView, type JobState } from "./job";
import type { EventDraft } from "./transition";

export const EVENT_LOG_LIMIT = 1000;
/**
 * Committed events an instance keeps in memory for its effects (older ones are read back from
 * the log). Few: an object of a busy isolate holds them all the while, with their job views.
 */
const RECENT_EVENTS = 32;

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
  // After-commit effects replace the mirror's own bookkeeping; an existing job
  // mirrors and notifies its dispatcher once more (both are idempotent).
  `CREATE TABLE effects (
     kind TEXT PRIMARY KEY,
     due_at INTEGER,
     failures INTEGER NOT NULL,
     last_started_at INTEGER,
     lease_until INTEGER
   );
   INSERT INTO effects (kind, due_at, failures) SELECT 'd1-mirror', 0, 0 FROM job;
   INSERT INTO effects (kind, due_at, failures) SELECT 'dispatch', 0, 0 FROM job;
   DROP TABLE mirror;`,
  // Effects that work through the events (webhooks) remember how far their last run got.
  `ALTER TABLE effects ADD COLUMN done_seq INTEGER;`,
  // The log trims itself inside SQLite: one statement fewer per update than a DELETE from here.
  `CREATE TRIGGER events_keep_last AFTER INSERT ON events
   BEGIN DELETE FROM events WHERE seq <= NEW.seq - ${EVENT_LOG_LIMIT}; END;`,
  // The input (up to 64 KiB) never changes: kept apart, so an update rewrites only the state.
  `ALTER TABLE job ADD COLUMN input_json TEXT;
   UPDATE job SET input_json = json_extract(state, '$.inputJson'), state = json_remove(state, '$.inputJson');`,
];

/** The job's state as its row keeps it: everything but the input, which has its own column. */
const stateText = ({ inputJson: _input, ...rest }: JobState) => JSON.stringify(rest);

export interface StoredJob {
  job: JobState;
  /** The seq of the newest event. */
  seq: number;
  requestFingerprint: string;
}

/** An event as committed: `text` is what is stored, broadcast and replayed. */
export interface StoredEvent {
  type: JobEvent["type"];
  event: JobEvent;
  text: string;
}

/** Writes the effect rows a commit asks for, inside its transaction. */
export type PlanEffects = (commit: { job: JobState; seq: number; events: StoredEvent[] }) => EffectRow[];

export class JobStore {
  private migrated = false;
  /** undefined: not read from SQLite yet in this instance. */
  private stored: StoredJob | null | undefined;
  private effects: Map<string, EffectRow> | undefined;
  /** The events this instance committed lately, oldest first: effects that work through events read them here. */
  private recent: StoredEvent[] = [];
  /** SELECTs this instance has run (a test seam: updates must not read back what they wrote). */
  reads = 0;

  constructor(private readonly storage: DurableObjectStorage) {}

  private exec<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]) {
    if (query.startsWith("SELECT")) this.reads++;
    return this.storage.sql.exec<T>(query, ...bindings);
  }

  /** The schema version; probes sqlite_master only until it is known to be current. */
  private version(): number {
    if (this.migrated) return MIGRATIONS.length;
    const exists = this.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
      .toArray().length;
    if (!exists) return 0;
    const version = this.exec<{ version: number }>("SELECT version FROM schema_version").one().version;
    this.migrated = version === MIGRATIONS.length;
    return version;
  }

  private migrate(): void {
    const from = this.version();
    if (from === MIGRATIONS.length) return;
    this.storage.transactionSync(() => {
      for (let v = from; v < MIGRATIONS.length; v++) this.storage.sql.exec(MIGRATIONS[v]!);
      this.storage.sql.exec("UPDATE schema_version SET version = ?", MIGRATIONS.length);
    });
    this.migrated = true;
  }

  /** The stored job, or null when this object holds none. */
  load(): StoredJob | null {
    if (this.stored !== undefined) return this.stored;
    const version = this.version();
    if (version === 0) return null;
    if (version < MIGRATIONS.length) this.migrate();
    const row = this.exec<{ state: string; input_json: string; seq: number; request_fingerprint: string }>(
      "SELECT state, input_json, seq, request_fingerprint FROM job WHERE id = 1",
    ).toArray()[0];
    this.stored = row
      ? {
          job: { ...(JSON.parse(row.state) as Omit<JobState, "inputJson">), inputJson: row.input_json },
          seq: row.seq,
          requestFingerprint: row.request_fingerprint,
        }
      : null;
    return this.stored;
  }

  /** Deletes everything the object stores (retention), alarm included, and forgets its in-memory copy. */
  async deleteAll(): Promise<void> {
    await this.storage.deleteAll();
    this.stored = undefined;
    this.effects = undefined;
    this.migrated = false;
  }

  /** Stores a new job and its first events. */
  create(job: JobState, requestFingerprint: string, drafts: EventDraft[], now: number, plan: PlanEffects): StoredEvent[] {
    this.migrate();
    return this.storage.transactionSync(() => {
      const events = this.appendEvents(job, 0, drafts, now);
      this.exec(
        "INSERT INTO job (id, state, input_json, seq, request_fingerprint) VALUES (1, ?, ?, ?, ?)",
        stateText(job),
        job.inputJson,
        events.length,
        requestFingerprint,
      );
      this.writeEffects(plan({ job, seq: events.length, events }));
      this.stored = { job, seq: events.length, requestFingerprint };
      this.remember(events);
      return events;
    });
  }

  /**
   * Saves `job`, appends `drafts` (stamped with the next seqs) and the effect rows they ask for, in one transaction;
   * `alsoWrite` adds other modules' writes of the same update (e.g. the channel's report id) to it.
   */
  commit(job: JobState, drafts: EventDraft[], now: number, plan: PlanEffects, alsoWrite?: (seq: number) => void): StoredEvent[] {
    const current = this.load();
    if (!current) throw new Error("commit on an object that holds no job");
    return this.storage.transactionSync(() => {
      const events = this.appendEvents(job, current.seq, drafts, now);
      const seq = current.seq + events.length;
      this.exec("UPDATE job SET state = ?, seq = ? WHERE id = 1", stateText(job), seq);
      this.writeEffects(plan({ job, seq, events }));
      alsoWrite?.(seq);
      // Replaced only once the transaction's statements all ran.
      this.stored = { ...current, job, seq };
      this.remember(events);
      return events;
    });
  }

  /** Inserts `drafts` after `seq`; the events_keep_last trigger trims the log to its last EVENT_LOG_LIMIT entries. */
  private appendEvents(job: JobState, seq: number, drafts: EventDraft[], now: number): StoredEvent[] {
    if (drafts.length === 0) return [];
    const view = toJobView(job, null);
    const at = new Date(now).toISOString();
    const events = drafts.map((d, i) => {
      const event = { ...d, job_id: job.id, seq: seq + i + 1, at, job: view } as JobEvent;
      return { type: event.type, event, text: JSON.stringify(event) };
    });
    for (const e of events) {
      this.exec("INSERT INTO events (seq, type, message) VALUES (?, ?, ?)", e.event.seq, e.type, e.text);
    }
    return events;
  }

  /**
   * The stored text of the events after `since`, oldest first; null when some
   * of them have left the log (or `since` is ahead of it): send a snapshot.
   */
  eventsSince(since: number): string[] | null {
    const stored = this.load();
    if (!stored || since > stored.seq) return null;
    if (since === stored.seq) return [];
    const oldest = this.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM events").one().seq;
    if (oldest === null || since + 1 < oldest) return null;
    return this.exec<{ message: string }>("SELECT message FROM events WHERE seq > ? ORDER BY seq", since)
      .toArray()
      .map((r) => r.message);
  }

  /** Appends to `recent`, trimmed back to RECENT_EVENTS once it holds twice as many (not copied per commit). */
  private remember(events: StoredEvent[]): void {
    this.recent.push(...events);
    if (this.recent.length >= 2 * RECENT_EVENTS) this.recent = this.recent.slice(-RECENT_EVENTS);
  }

  /**
   * The logged events with seq in (after, upTo], oldest first: as many as
   * the log still holds. From memory when this instance committed them all.
   */
  eventsBetween(after: number, upTo: number): StoredEvent[] {
    const first = this.recent[0];
    if (first && first.event.seq <= after + 1) {
      return this.recent.filter((e) => e.event.seq > after && e.event.seq <= upTo);
    }
    return this.exec<{ message: string }>("SELECT message FROM events WHERE seq > ? AND seq <= ? ORDER BY seq", after, upTo)
      .toArray()
      .map((r) => {
        const event = JSON.parse(r.message) as JobEvent;
        return { type: event.type, event, text: r.message };
      });
  }

  /** The after-commit effect rows, by kind (read once per instance). */
  effectRows(): ReadonlyMap<string, EffectRow> {
    this.effects ??= this.load() ? effectRowsOf((q) => this.exec(q)) : new Map();
    return this.effects;
  }

  /** Saves effect rows (outside a commit: a run's start, success or failure). */
  saveEffects(rows: EffectRow[]): void {
    if (rows.length > 0) this.storage.transactionSync(() => this.writeEffects(rows));
  }

  private writeEffects(rows: EffectRow[]): void {
    // A copy, put in place only once every statement ran (a throw rolls the transaction back).
    const map = new Map(this.effectRows());
    for (const r of rows) {
      writeEffectRow(this.storage.sql, r);
      map.set(r.kind, r);
    }
    this.effects = map;
  }
}
