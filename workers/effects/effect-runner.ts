/**
 * The runner behind every object's after-commit effects (a job's: after-commit.ts; a batch's:
 * batches/batch-effects.ts), on the one retry rule of effect-schedule.ts: `plan` turns a commit
 * into the effect rows its transaction writes; `start` takes a lease on every due effect and runs
 * it; a run that throws is retried from the object's alarm, which `wakeAt` says when to set.
 */
import type { Config } from "../config";
import { log } from "../log";
import { ask, failed, idleEffect, isDue, started, succeeded, wakeAt, type Ask, type EffectRow } from "./effect-schedule";

/** One kind of effect, for commits of type `C`, run with targets of type `T`. */
export interface Effect<C, T> {
  /** Names the effect's row in each object's storage: never rename one that shipped. */
  kind: string;
  /** Whether this commit needs the effect: at once, coalesced, or not at all (null). */
  wants(commit: C): Ask | null;
  /** The least time between two coalesced runs (default 0). */
  intervalMs?(config: Config): number;
  /** Does the work for `target`; throws to be retried. Must be safe to run twice. */
  run(target: T & { doneSeq: number }): Promise<void>;
}

/** Where the effect rows live: the object's store. */
export interface EffectRows {
  effectRows(): ReadonlyMap<string, EffectRow>;
  saveEffects(rows: EffectRow[]): void;
}

export class EffectRunner<C, T> {
  constructor(
    private readonly rows: EffectRows,
    private readonly effects: readonly Effect<C, T>[],
    /** The log event of a failed run. */
    private readonly failureEvent: string,
  ) {}

  /** The rows this commit changes; the store writes them inside the commit's transaction. */
  plan(commit: C, config: Config, now: number): EffectRow[] {
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
   * Starts every due effect for `target` (which covers the object's events up to `seq`) and
   * returns the runs, or null when none is due. The leases are written before this returns, so
   * `wakeAt` already covers them. `about` names the object in the log of a failed run.
   */
  start(now: number, seq: number, target: T, about: Record<string, string>): Promise<void> | null {
    const rows = this.rows.effectRows();
    const due = this.effects.filter((e) => isDue(rows.get(e.kind) ?? idleEffect(e.kind), now));
    if (due.length === 0) return null;
    this.rows.saveEffects(due.map((e) => started(rows.get(e.kind) ?? idleEffect(e.kind), now)));
    const runs = due.map((effect) => this.runOne(effect, { ...target, doneSeq: rows.get(effect.kind)?.doneSeq ?? 0 }, seq, about));
    return Promise.all(runs).then(() => undefined);
  }

  private async runOne(effect: Effect<C, T>, target: T & { doneSeq: number }, seq: number, about: Record<string, string>): Promise<void> {
    try {
      await effect.run(target);
      this.rows.saveEffects([succeeded(this.rowOf(effect.kind), seq)]);
    } catch (err) {
      const row = failed(this.rowOf(effect.kind), Date.now());
      this.rows.saveEffects([row]);
      log.warn(this.failureEvent, {
        effect: effect.kind,
        ...about,
        seq,
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
