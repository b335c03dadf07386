/**
 * After-commit effects: everything that must happen because a job's object
 * committed (the D1 mirror, the owner's feed, the dispatch notice...), with
 * one retry rule (effect-schedule.ts) for all of them.
 *
 * How it works:
 * - Inside the commit's transaction, `plan` asks each registered effect
 *   whether this commit needs it (`wants`) and writes its row in the object's
 *   `effects` table: the ask is stored with the job it concerns, so nothing
 *   acknowledged is lost when the instance dies before the effect ran.
 * - After the answer, `start` marks every due effect started (a lease) and
 *   returns the runs, which the object hands to `ctx.waitUntil`; the worker's
 *   answer never waits for D1 or dispatch.
 * - A run that throws is retried from the object's alarm with backoff until
 *   it lands; `wakeAt` says when the alarm must fire for them.
 *
 * Runs use the job as it is when they run, not as it was at the commit, so a
 * late, repeated or coalesced run is always safe. To add an effect kind, see
 * registry.ts.
 */
import type { Config } from "../config";
import { toJobRow } from "../db/jobs";
import type { JobRow } from "../db/schema";
import type { JobState } from "../jobs/job";
import type { StoredEvent, StoredJob } from "../jobs/job-store";
import { log } from "../log";
import { ask, failed, idleEffect, isDue, started, succeeded, wakeAt, type Ask, type EffectRow } from "./effect-schedule";

/** One commit, as effects see it when deciding whether it concerns them. */
export interface Commit {
  /** The job before the commit; null for its creation. */
  before: JobState | null;
  job: JobState;
  /** The seq of the newest event. */
  seq: number;
  events: readonly StoredEvent[];
}

/** What a run works with: the job as it is now. The D1 row is built at most once per pass. */
export interface EffectTarget {
  env: Env;
  config: Config;
  job: JobState;
  seq: number;
  row(): JobRow;
  /** The seq this kind's last successful run covered (0 before the first): a run may work through the events after it. */
  doneSeq: number;
  /** The logged events after `seq` up to `this.seq`, oldest first (as many as the log still holds). */
  eventsAfter(seq: number): StoredEvent[];
}

export interface AfterCommitEffect {
  /** Names the effect's row in each object's storage: never rename one that shipped. */
  kind: string;
  /** Whether this commit needs the effect: at once, coalesced, or not at all (null). */
  wants(commit: Commit): Ask | null;
  /** The least time between two coalesced runs (default 0). */
  intervalMs?(config: Config): number;
  /** Does the work for `target`; throws to be retried. Must be safe to run twice. */
  run(target: EffectTarget): Promise<void>;
}

/** Where the runner keeps effect rows: the job's store, in the object's SQLite. */
export interface EffectRows {
  effectRows(): ReadonlyMap<string, EffectRow>;
  saveEffects(rows: EffectRow[]): void;
  /** The logged events with seq in (after, upTo], oldest first. */
  eventsBetween(after: number, upTo: number): StoredEvent[];
}

export class AfterCommit {
  constructor(
    private readonly rows: EffectRows,
    private readonly effects: readonly AfterCommitEffect[],
  ) {}

  /** The rows this commit changes; the store writes them inside the commit's transaction. */
  plan(commit: Commit, config: Config, now: number): EffectRow[] {
    const current = this.rows.effectRows();
    const changed: EffectRow[] = [];
    for (const effect of this.effects) {
      const how = effect.wants(commit);
      if (how === null) continue;
      const row = current.get(effect.kind) ?? idleEffect(effect.kind);
      const next = ask(row, how, now, effect.intervalMs?.(config) ?? 0);
      if (next !== row) changed.push(next);
    }
    return changed;
  }

  /**
   * Starts every due effect and returns the runs (null when none is due).
   * The leases are written before this returns, so `wakeAt` already covers them.
   */
  start(now: number, env: Env, config: Config, stored: StoredJob): Promise<void> | null {
    const rows = this.rows.effectRows();
    const due = this.effects.filter((e) => isDue(rows.get(e.kind) ?? idleEffect(e.kind), now));
    if (due.length === 0) return null;
    this.rows.saveEffects(due.map((e) => started(rows.get(e.kind)!, now)));
    let row: JobRow | undefined;
    const target: Omit<EffectTarget, "doneSeq"> = {
      env,
      config,
      job: stored.job,
      seq: stored.seq,
      row: () => (row ??= toJobRow(stored.job, stored.seq)),
      eventsAfter: (seq) => this.rows.eventsBetween(seq, stored.seq),
    };
    return Promise.all(
      due.map((effect) => this.runOne(effect, { ...target, doneSeq: rows.get(effect.kind)?.doneSeq ?? 0 })),
    ).then(() => undefined);
  }

  private async runOne(effect: AfterCommitEffect, target: EffectTarget): Promise<void> {
    try {
      await effect.run(target);
      this.rows.saveEffects([succeeded(this.rowOf(effect.kind), target.seq)]);
    } catch (err) {
      const row = failed(this.rowOf(effect.kind), Date.now());
      this.rows.saveEffects([row]);
      log.warn("effect.failed", {
        effect: effect.kind,
        job_id: target.job.id,
        seq: target.seq,
        failures: row.failures,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private rowOf(kind: string): EffectRow {
    return this.rows.effectRows().get(kind) ?? idleEffect(kind);
  }

  /** The earliest time an effect needs the alarm, or null. */
  wakeAt(): number | null {
    let at: number | null = null;
    for (const row of this.rows.effectRows().values()) {
      const t = wakeAt(row);
      if (t !== null && (at === null || t < at)) at = t;
    }
    return at;
  }
}
