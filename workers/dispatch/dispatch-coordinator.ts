/**
 * DispatchCoordinator: a Durable Object that holds one owner's pull queue
 * (`dispatchCoordinator(env, owner)`), so an owner's fleet only ever sees that
 * owner's jobs. One more instance (`pushCoordinator(env)`) holds push mode's
 * deployment-wide state: the round-robin cursor, endpoint health, push runs.
 *
 * Jobs tell their owner's coordinator their dispatch state (after every
 * status change); that owner's workers lease from it. Every method runs its SQL without an await in between, so
 * the object serialises leases: no job is handed to two workers at once.
 * The queue lives in the object's SQLite, so it survives eviction.
 */
import { DurableObject } from "cloudflare:workers";
import { HEALTH_WINDOW, summarizeHealth, type EndpointCall } from "./endpoint-choice";
import { jobObject } from "../jobs/job-object";
import { log } from "../log";
import type { QueueStanding } from "../protocol";
import { mayStart } from "./owner-limit";
import { OwnerSlots } from "./owner-slots";
import { nextToLease, ORPHANED_LEASE_MS, planQueueEntry, toDispatchView, type JobDispatchView, type QueueEntry } from "./queue-plan";

interface EntryRow extends Record<string, SqlStorageValue> {
  job_id: string;
  kind: string;
  priority: number;
  created_at: number;
  attempt: number;
  eligible_at: number;
  state: string;
  worker: string | null;
  leased_at: number | null;
  avoid_worker: string | null;
  avoid_until: number;
}

/**
 * Each entry migrates from the version before it; schema_version records how
 * far this object is (PRAGMA user_version is not authorized in objects).
 */
const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS queue (
  job_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  priority INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  eligible_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  worker TEXT,
  leased_at INTEGER
);
CREATE INDEX IF NOT EXISTS queue_order ON queue (state, priority DESC, created_at, job_id);
CREATE TABLE IF NOT EXISTS endpoint_calls (url TEXT NOT NULL, at INTEGER NOT NULL, ok INTEGER NOT NULL, error TEXT);
CREATE INDEX IF NOT EXISTS endpoint_calls_by_url ON endpoint_calls (url, at);
CREATE TABLE IF NOT EXISTS push_runs (job_id TEXT PRIMARY KEY, attempt INTEGER NOT NULL, endpoint TEXT, run_id TEXT, started_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 1), turn INTEGER NOT NULL);
INSERT OR IGNORE INTO cursor (id, turn) VALUES (1, 0);`,
  // 1 once the sweep saw the job running on its lease: its own heartbeat timeout rules from then on.
  `ALTER TABLE queue ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0;`,
  // Per-owner concurrency: the owner's push jobs being sent or running (pull ones are the leased
  // entries), and those held back by the owner's limit, oldest first.
  `CREATE TABLE IF NOT EXISTS push_slots (job_id TEXT PRIMARY KEY, attempt INTEGER NOT NULL, taken_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS push_waiting (job_id TEXT PRIMARY KEY, attempt INTEGER NOT NULL, since INTEGER NOT NULL);`,
  // A released attempt is not handed back to the worker that released it for a short while.
  `ALTER TABLE queue ADD COLUMN avoid_worker TEXT;
ALTER TABLE queue ADD COLUMN avoid_until INTEGER NOT NULL DEFAULT 0;`,
];


/** Brings the object's SQLite to the latest schema, in one transaction. */
function migrate(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  const from = row?.version ?? 0;
  if (from === MIGRATIONS.length) return;
  storage.transactionSync(() => {
    for (let v = from; v < MIGRATIONS.length; v++) sql.exec(MIGRATIONS[v]!);
    if (row) sql.exec("UPDATE schema_version SET version = ?", MIGRATIONS.length);
    else sql.exec("INSERT INTO schema_version (version) VALUES (?)", MIGRATIONS.length);
  });
}

/** A push send that has not finished after this long is presumed crashed. */
const PUSH_LOCK_MS = 2 * 60_000;

/** How many of the best-ordered eligible entries a lease reads (the first one wins). */
const LEASE_WINDOW = 200;

const toEntry = (r: EntryRow): QueueEntry => ({
  jobId: r.job_id,
  kind: r.kind,
  priority: r.priority,
  createdAt: r.created_at,
  attempt: r.attempt,
  eligibleAt: r.eligible_at,
  state: r.state === "leased" ? "leased" : "queued",
  worker: r.worker,
  leasedAt: r.leased_at,
  avoidWorker: r.avoid_worker,
  avoidUntil: r.avoid_until,
});

export class DispatchCoordinator extends DurableObject<Env> {
  private readonly slots: OwnerSlots;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage);
    this.slots = new OwnerSlots(ctx.storage.sql);
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  private entry(jobId: string): QueueEntry | null {
    const row = this.sql.exec<EntryRow>("SELECT * FROM queue WHERE job_id = ?", jobId).toArray()[0];
    return row ? toEntry(row) : null;
  }

  /** A job's word about its state: queue it, keep its lease, or drop it. */
  async sync(job: JobDispatchView, leaseLapsed = false): Promise<QueueEntry | null> {
    const before = this.entry(job.jobId);
    const plan = planQueueEntry(before, job, leaseLapsed);
    if (plan.action === "delete") this.sql.exec("DELETE FROM queue WHERE job_id = ?", job.jobId);
    if (before?.state === "leased" && plan.action !== "keep") await this.wakeWaitingPush();
    if (plan.action === "queue") {
      const e = plan.entry;
      this.sql.exec(
        `INSERT OR REPLACE INTO queue (job_id, kind, priority, created_at, attempt, eligible_at, state, worker, leased_at, claimed, avoid_worker, avoid_until)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', NULL, NULL, 0, ?, ?)`,
        e.jobId, e.kind, e.priority, e.createdAt, e.attempt, e.eligibleAt, e.avoidWorker, e.avoidUntil,
      );
    }
    return this.entry(job.jobId);
  }

  /**
   * Takes the next eligible job for `worker` (priority, then oldest), or null; also null while
   * the owner already runs `maxRunning` jobs (0: no limit).
   */
  async lease(worker: string, now: number, kinds?: string[], maxRunning = 0): Promise<QueueEntry | null> {
    if (!mayStart(this.slots.running(), maxRunning)) return null;
    const byKind = kinds === undefined ? "" : `AND kind IN (${kinds.map(() => "?").join(", ") || "NULL"})`;
    const rows = this.sql
      .exec<EntryRow>(
        `SELECT * FROM queue WHERE state = 'queued' AND eligible_at <= ? ${byKind}
         ORDER BY priority DESC, created_at, job_id LIMIT ${LEASE_WINDOW}`,
        now,
        ...(kinds ?? []),
      )
      .toArray()
      .map(toEntry);
    const next = nextToLease(rows, now, kinds, worker);
    if (!next) return null;
    this.sql.exec("UPDATE queue SET state = 'leased', worker = ?, leased_at = ?, claimed = 0 WHERE job_id = ?", worker, now, next.jobId);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + ORPHANED_LEASE_MS);
    return { ...next, state: "leased", worker, leasedAt: now };
  }

  /** Asks the jobs behind old leases how they are; a lease that never reached its job is queued again. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const old = this.sql
      .exec<EntryRow>("SELECT * FROM queue WHERE state = 'leased' AND claimed = 0 AND leased_at <= ?", now - ORPHANED_LEASE_MS)
      .toArray()
      .map(toEntry);
    for (const entry of old) {
      const job = await jobObject(this.env, entry.jobId).read();
      if (!job) {
        this.sql.exec("DELETE FROM queue WHERE job_id = ?", entry.jobId);
      } else if (job.status === "running" && job.attempt === entry.attempt) {
        this.sql.exec("UPDATE queue SET claimed = 1 WHERE job_id = ? AND attempt = ?", entry.jobId, entry.attempt);
      } else if ((await this.sync(toDispatchView(job), true))?.state === "queued") {
        log.warn("lease.orphan_requeued", { job_id: entry.jobId, attempt: entry.attempt, worker: entry.worker });
      }
    }
    const next = this.sql
      .exec<{ at: number | null }>("SELECT MIN(leased_at) AS at FROM queue WHERE state = 'leased' AND claimed = 0")
      .one().at;
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(now + 1000, next + ORPHANED_LEASE_MS));
  }

  /** Drops a leased entry whose job refused the claim (it moved on); the job's own word decides what comes next. */
  async forget(jobId: string, attempt: number): Promise<void> {
    this.sql.exec("DELETE FROM queue WHERE job_id = ? AND attempt = ? AND state = 'leased'", jobId, attempt);
  }

  /** Queue depth (queued pull jobs, eligible now or later), leased jobs, running jobs and push jobs held by the limit. */
  async counts(): Promise<{ queued: number; leased: number; running: number; held: number }> {
    const rows = this.sql.exec<{ state: string; n: number }>("SELECT state, COUNT(*) AS n FROM queue GROUP BY state").toArray();
    const count = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    const held = this.slots.held();
    return { queued: count("queued") + held, leased: count("leased"), running: this.slots.running(), held };
  }

  /**
   * A push job's right to be sent under the owner's limit: true when it holds a slot (now or
   * already: a redelivery), false when the owner runs `maxRunning` jobs; it then waits in line.
   */
  async takePushSlot(jobId: string, attempt: number, now: number, maxRunning: number): Promise<boolean> {
    return this.slots.take(jobId, attempt, now, maxRunning);
  }

  /** A push job stopped running (finished, re-queued, or its send failed): its slot and place in line go. */
  async freePushSlot(jobId: string): Promise<void> {
    if (this.slots.free(jobId)) await this.wakeWaitingPush();
  }

  /**
   * A slot came free: the push job first in line is sent through the queue again now rather
   * than at its next recheck (the consumer applies the limit, so a spurious wake is harmless).
   */
  private async wakeWaitingPush(): Promise<void> {
    const first = this.slots.firstWaiting();
    if (!first) return;
    try {
      await this.env.PUSH_QUEUE.send({ job_id: first.jobId, attempt: first.attempt });
    } catch (err) {
      log.warn("push.wake_failed", { job_id: first.jobId, error: err }); // its own recheck comes anyway
    }
  }

  /** Where a queued job of this owner stands, or null when the coordinator does not hold it in line. */
  async position(jobId: string, now: number, maxRunning: number): Promise<QueueStanding | null> {
    return this.slots.position(jobId, this.entry(jobId), now, maxRunning);
  }

  // ------------------------------------------------------------- push mode

  /** The round-robin cursor: each call hands out the next turn. */
  async nextTurn(): Promise<number> {
    return this.sql.exec<{ turn: number }>("UPDATE cursor SET turn = turn + 1 WHERE id = 1 RETURNING turn - 1 AS turn").one().turn;
  }

  /** Remembers one call to an endpoint for its health (the last HEALTH_WINDOW per endpoint). */
  async recordEndpointCall(call: EndpointCall): Promise<void> {
    this.sql.exec("INSERT INTO endpoint_calls (url, at, ok, error) VALUES (?, ?, ?, ?)", call.url, call.at, call.ok ? 1 : 0, call.error);
    this.sql.exec(
      `DELETE FROM endpoint_calls WHERE url = ? AND rowid NOT IN
       (SELECT rowid FROM endpoint_calls WHERE url = ? ORDER BY at DESC LIMIT ${HEALTH_WINDOW})`,
      call.url,
      call.url,
    );
  }

  /** Health of each configured endpoint from its recent calls. */
  async endpointHealth(endpoints: string[]): Promise<ReturnType<typeof summarizeHealth>> {
    const calls = this.sql
      .exec<{ url: string; at: number; ok: number; error: string | null }>("SELECT url, at, ok, error FROM endpoint_calls")
      .toArray()
      .map((r) => ({ ...r, ok: r.ok === 1 }));
    return summarizeHealth(endpoints, calls);
  }

  /**
   * Takes the right to send attempt `attempt` of a push job to a provider:
   * false when it is already sent or being sent (a queue redelivery). A send
   * that never finished (a crash) is taken over after PUSH_LOCK_MS.
   */
  async beginPush(jobId: string, attempt: number, now: number): Promise<boolean> {
    const held = this.sql
      .exec<{ attempt: number; run_id: string | null; started_at: number }>("SELECT attempt, run_id, started_at FROM push_runs WHERE job_id = ?", jobId)
      .toArray()[0];
    if (held && held.attempt >= attempt && (held.run_id !== null || now - held.started_at < PUSH_LOCK_MS)) return false;
    this.sql.exec("INSERT OR REPLACE INTO push_runs (job_id, attempt, endpoint, run_id, started_at) VALUES (?, ?, NULL, NULL, ?)", jobId, attempt, now);
    return true;
  }

  /** Gives the right back after no endpoint took the job, so a redelivery may try again. */
  async endPush(jobId: string, attempt: number): Promise<void> {
    this.sql.exec("DELETE FROM push_runs WHERE job_id = ? AND attempt = ? AND run_id IS NULL", jobId, attempt);
  }

  /** Where a push job's attempt runs, so a cancel can reach its provider. */
  async recordPushRun(jobId: string, attempt: number, endpoint: string, runId: string): Promise<void> {
    this.sql.exec("UPDATE push_runs SET endpoint = ?, run_id = ? WHERE job_id = ? AND attempt = ?", endpoint, runId, jobId, attempt);
  }

  /** Takes (and forgets) the provider run of a push job's attempt before `beforeAttempt` (all when omitted). */
  async takePushRun(jobId: string, beforeAttempt = Number.MAX_SAFE_INTEGER): Promise<{ attempt: number; endpoint: string; runId: string } | null> {
    const row = this.sql
      .exec<{ attempt: number; endpoint: string; run_id: string }>(
        "DELETE FROM push_runs WHERE job_id = ? AND attempt < ? AND run_id IS NOT NULL RETURNING attempt, endpoint, run_id",
        jobId,
        beforeAttempt,
      )
      .toArray()[0];
    return row ? { attempt: row.attempt, endpoint: row.endpoint, runId: row.run_id } : null;
  }

  /** The entry the coordinator holds for a job (tests and operators). */
  async peek(jobId: string): Promise<QueueEntry | null> {
    return this.entry(jobId);
  }
}

/** The name of `owner`'s coordinator; owner names never contain ':', so none is the push one's. */
export const coordinatorName = (owner: string) => `owner:${owner}`;

/** The coordinator of `owner`'s pull queue: only that owner's jobs, leased only by that owner's worker keys. */
export function dispatchCoordinator(env: Env, owner: string): DurableObjectStub<DispatchCoordinator> {
  return env.DISPATCH_COORDINATOR.get(env.DISPATCH_COORDINATOR.idFromName(coordinatorName(owner)));
}

/**
 * The coordinator of push mode (endpoints are deployment-wide). It keeps the
 * name of the single coordinator of earlier builds, so its push runs, cursor
 * and endpoint health carry over.
 */
export function pushCoordinator(env: Env): DurableObjectStub<DispatchCoordinator> {
  return env.DISPATCH_COORDINATOR.get(env.DISPATCH_COORDINATOR.idFromName("default"));
}
