/**
 * The SQL side of an owner's running limit, inside the owner's DispatchCoordinator: how many of
 * the owner's jobs run (leased pull entries plus push slots), push slots taken and freed, the
 * line of push jobs held back, and a queued job's place in line. The rules are owner-limit.ts.
 */
import type { QueueStanding } from "../protocol";
import { mayStart, waitReason } from "./owner-limit";
import type { QueueEntry } from "./queue-plan";

export class OwnerSlots {
  constructor(private readonly sql: SqlStorage) {}

  private count(query: string, ...bindings: SqlStorageValue[]): number {
    return this.sql.exec<{ n: number }>(query, ...bindings).one().n;
  }

  /** The owner's jobs running now: leased pull entries and push slots. */
  running(): number {
    return this.count("SELECT COUNT(*) AS n FROM queue WHERE state = 'leased'") + this.count("SELECT COUNT(*) AS n FROM push_slots");
  }

  /** Push jobs held back by the limit. */
  held(): number {
    return this.count("SELECT COUNT(*) AS n FROM push_waiting");
  }

  /** A push job's slot: true when it holds one (now, or already: a redelivery), false when it must wait in line. */
  take(jobId: string, attempt: number, now: number, maxRunning: number): boolean {
    const held = this.sql.exec<{ attempt: number }>("SELECT attempt FROM push_slots WHERE job_id = ?", jobId).toArray()[0];
    if (held && held.attempt === attempt) return true;
    // First come, first served: those already waiting in line go before this one.
    const since = this.sql.exec<{ since: number }>("SELECT since FROM push_waiting WHERE job_id = ?", jobId).toArray()[0]?.since ?? now;
    const ahead = this.count(
      "SELECT COUNT(*) AS n FROM push_waiting WHERE job_id != ? AND (since < ? OR (since = ? AND job_id < ?))",
      jobId, since, since, jobId,
    );
    if (!mayStart(this.running() - (held ? 1 : 0) + ahead, maxRunning)) {
      this.sql.exec("INSERT OR IGNORE INTO push_waiting (job_id, attempt, since) VALUES (?, ?, ?)", jobId, attempt, now);
      this.sql.exec("UPDATE push_waiting SET attempt = ? WHERE job_id = ?", attempt, jobId);
      return false;
    }
    this.sql.exec("INSERT OR REPLACE INTO push_slots (job_id, attempt, taken_at) VALUES (?, ?, ?)", jobId, attempt, now);
    this.sql.exec("DELETE FROM push_waiting WHERE job_id = ?", jobId);
    return true;
  }

  /** Frees a push job's slot and place in line; true when a slot was freed. */
  free(jobId: string): boolean {
    const freed = this.sql.exec("DELETE FROM push_slots WHERE job_id = ? RETURNING job_id", jobId).toArray().length > 0;
    this.sql.exec("DELETE FROM push_waiting WHERE job_id = ?", jobId);
    return freed;
  }

  /** The push job first in line, if any. */
  firstWaiting(): { jobId: string; attempt: number } | null {
    const row = this.sql
      .exec<{ job_id: string; attempt: number }>("SELECT job_id, attempt FROM push_waiting ORDER BY since, job_id LIMIT 1")
      .toArray()[0];
    return row ? { jobId: row.job_id, attempt: row.attempt } : null;
  }

  /** Where a queued job stands: a queued pull `entry` in the queue's order, else a held push job in its line. */
  position(jobId: string, entry: QueueEntry | null, now: number, maxRunning: number): QueueStanding | null {
    const running = this.running();
    if (entry?.state === "queued") {
      const ahead = this.count(
        `SELECT COUNT(*) AS n FROM queue WHERE state = 'queued' AND
         (priority > ? OR (priority = ? AND (created_at < ? OR (created_at = ? AND job_id < ?))))`,
        entry.priority, entry.priority, entry.createdAt, entry.createdAt, entry.jobId,
      );
      return { position: ahead + 1, reason: waitReason(running, maxRunning, entry.eligibleAt, now) };
    }
    const waiting = this.sql.exec<{ since: number }>("SELECT since FROM push_waiting WHERE job_id = ?", jobId).toArray()[0];
    if (!waiting) return null;
    const ahead = this.count(
      "SELECT COUNT(*) AS n FROM push_waiting WHERE since < ? OR (since = ? AND job_id < ?)",
      waiting.since, waiting.since, jobId,
    );
    return { position: ahead + 1, reason: waitReason(running, maxRunning, 0, now) };
  }
}
