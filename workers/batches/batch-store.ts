/**
 * The batch object's SQLite: the batch, its members (one row each, with the
 * job seq they reflect), its own event log (the last EVENT_LOG_LIMIT events,
 * with a seq of the batch's own that only grows), its after-commit effect rows
 * and the outbox of finish events for webhooks (kept apart from the capped
 * log, so a finish not handed over yet can never be dropped). Every update is
 * one synchronous transaction; the state is read once per instance and the
 * copy replaced on each commit, as the job's store does.
 */
import type { EffectRow } from "../effects/effect-schedule";
import { effectRowsOf, writeEffectRow } from "../effects/effect-table";
import type { BatchEvent } from "../protocol";
import { aggregate } from "./aggregate";
import { toBatchView, type BatchEventDraft, type BatchRecord } from "./batch";
import type { MemberState } from "./member";

export const BATCH_EVENT_LOG_LIMIT = 1000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS batch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    state TEXT NOT NULL,
    seq INTEGER NOT NULL,
    request_fingerprint TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS members (job_id TEXT PRIMARY KEY, idx INTEGER NOT NULL, state TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, message TEXT NOT NULL);`;

/** Added with batch webhooks and the list mirror; created on load for batches stored before them. */
const EFFECT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS effects (
    kind TEXT PRIMARY KEY, due_at INTEGER, failures INTEGER NOT NULL,
    last_started_at INTEGER, lease_until INTEGER, done_seq INTEGER
  );
  CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, message TEXT NOT NULL);`;

/** Events that go to the outbox (and from there to webhooks): a batch's finish. */
export const isFinishEvent = (e: Pick<BatchEvent, "type">) => e.type === "batch:completed" || e.type === "batch:finished";

export interface StoredBatch {
  batch: BatchRecord;
  /** Members in index order. */
  members: MemberState[];
  /** The seq of the newest batch event. */
  seq: number;
  requestFingerprint: string;
}

export class BatchStore {
  /** undefined: not read from SQLite yet in this instance. */
  private stored: StoredBatch | null | undefined;
  private effects: Map<string, EffectRow> | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** The stored batch, or null when this object holds none. */
  load(): StoredBatch | null {
    if (this.stored !== undefined) return this.stored;
    const exists = this.storage.sql
      .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batch'")
      .toArray().length;
    const row = exists
      ? this.storage.sql
          .exec<{ state: string; seq: number; request_fingerprint: string }>(
            "SELECT state, seq, request_fingerprint FROM batch WHERE id = 1",
          )
          .toArray()[0]
      : undefined;
    if (!row) return (this.stored = null);
    this.storage.sql.exec(EFFECT_SCHEMA);
    const members = this.storage.sql
      .exec<{ state: string }>("SELECT state FROM members ORDER BY idx")
      .toArray()
      .map((r) => JSON.parse(r.state) as MemberState);
    this.stored = { batch: JSON.parse(row.state), members, seq: row.seq, requestFingerprint: row.request_fingerprint };
    return this.stored;
  }

  /** Stores a new batch with its seeded members, and the effect rows its creation asks for. */
  create(batch: BatchRecord, members: MemberState[], requestFingerprint: string, effects: EffectRow[]): StoredBatch {
    this.storage.transactionSync(() => {
      this.storage.sql.exec(SCHEMA + EFFECT_SCHEMA);
      this.writeEffects(effects);
      this.storage.sql.exec(
        "INSERT INTO batch (id, state, seq, request_fingerprint) VALUES (1, ?, 0, ?)",
        JSON.stringify(batch),
        requestFingerprint,
      );
      for (const m of members) {
        this.storage.sql.exec("INSERT INTO members (job_id, idx, state) VALUES (?, ?, ?)", m.jobId, m.index, JSON.stringify(m));
      }
    });
    this.stored = { batch, members, seq: 0, requestFingerprint };
    return this.stored;
  }

  /**
   * Saves the batch and one member, appends `drafts` stamped with the next
   * seqs (a finish also to the outbox) and the effect rows `plan` asks for
   * them, in one transaction; returns the events' text.
   */
  commit(
    batch: BatchRecord,
    member: MemberState,
    drafts: BatchEventDraft[],
    now: number,
    plan: (events: BatchEvent[]) => EffectRow[],
  ): string[] {
    const current = this.load();
    if (!current) throw new Error("commit on an object that holds no batch");
    const members = current.members.map((m) => (m.jobId === member.jobId ? member : m));
    const view = toBatchView(batch, aggregate(members), members.length);
    const at = new Date(now).toISOString();
    const events = drafts.map(
      (d, i) => ({ ...d, batch_id: batch.id, seq: current.seq + i + 1, at, batch: view }) as BatchEvent,
    );
    const texts = events.map((e) => JSON.stringify(e));
    const seq = current.seq + events.length;
    const effects = plan(events);
    this.storage.transactionSync(() => {
      this.writeEffects(effects);
      this.storage.sql.exec("UPDATE batch SET state = ?, seq = ? WHERE id = 1", JSON.stringify(batch), seq);
      this.storage.sql.exec("UPDATE members SET state = ? WHERE job_id = ?", JSON.stringify(member), member.jobId);
      events.forEach((e, i) => {
        this.storage.sql.exec("INSERT INTO events (seq, type, message) VALUES (?, ?, ?)", e.seq, e.type, texts[i]);
        if (isFinishEvent(e)) this.storage.sql.exec("INSERT INTO outbox (seq, message) VALUES (?, ?)", e.seq, texts[i]);
      });
      if (events.length > 0) this.storage.sql.exec("DELETE FROM events WHERE seq <= ?", seq - BATCH_EVENT_LOG_LIMIT);
    });
    this.stored = { ...current, batch, members, seq };
    return texts;
  }

  /** The events after `since`, oldest first; null when some have left the log (or `since` is ahead): send a snapshot. */
  eventsSince(since: number): string[] | null {
    const stored = this.load();
    if (!stored || since > stored.seq) return null;
    if (since === stored.seq) return [];
    const oldest = this.storage.sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM events").one().seq;
    if (oldest === null || since + 1 < oldest) return null;
    return this.storage.sql
      .exec<{ message: string }>("SELECT message FROM events WHERE seq > ? ORDER BY seq", since)
      .toArray()
      .map((r) => r.message);
  }

  /** The finish events in the outbox after `seq`, oldest first. */
  outboxAfter(seq: number): BatchEvent[] {
    return this.storage.sql
      .exec<{ message: string }>("SELECT message FROM outbox WHERE seq > ? ORDER BY seq", seq)
      .toArray()
      .map((r) => JSON.parse(r.message) as BatchEvent);
  }

  /** Drops the outbox entries up to `seq` (handed over). */
  dropOutbox(seq: number): void {
    this.storage.sql.exec("DELETE FROM outbox WHERE seq <= ?", seq);
  }

  /** The after-commit effect rows, by kind (read once per instance). */
  effectRows(): ReadonlyMap<string, EffectRow> {
    this.effects ??= this.load() ? effectRowsOf((q) => this.storage.sql.exec(q)) : new Map();
    return this.effects;
  }

  /** Saves effect rows (outside a commit: a run's start, success or failure). */
  saveEffects(rows: EffectRow[]): void {
    if (rows.length > 0) this.storage.transactionSync(() => this.writeEffects(rows));
  }

  private writeEffects(rows: EffectRow[]): void {
    // A copy, put in place only once every statement ran (a throw rolls the transaction back).
    const map = new Map(this.stored ? this.effectRows() : []);
    for (const r of rows) {
      writeEffectRow(this.storage.sql, r);
      map.set(r.kind, r);
    }
    this.effects = map;
  }
}
