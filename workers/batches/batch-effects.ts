/**
 * What must happen because a batch's object committed: its row in the D1
 * batch list, its row pushed to the owner's feed, and its finish handed to
 * the webhook queue. The same rules as a job's after-commit effects
 * (workers/effects/): each kind keeps a row in the object's SQLite, written
 * with the commit; runs start after it, and a run that throws or is lost is
 * retried from the object's alarm by the one schedule of
 * effects/effect-schedule.ts (1 s, 2 s... 1 min) until it lands. Runs use the
 * batch as it is when they run, so a late or repeated run is safe.
 */
import type { Config } from "../config";
import { ask, failed, idleEffect, isDue, started, succeeded, wakeAt, type Ask, type EffectRow } from "../effects/effect-schedule";
import { log } from "../log";
import type { BatchEvent, BatchView } from "../protocol";
import type { BatchStore, StoredBatch } from "./batch-store";

/** One commit of the batch: its view before (null at creation) and after, and the events it raised. */
export interface BatchCommit {
  before: BatchView | null;
  after: BatchView;
  events: readonly BatchEvent[];
}

/** What a run works with: the batch as it is now, and its view. */
export interface BatchEffectTarget {
  env: Env;
  config: Config;
  stored: StoredBatch;
  view: BatchView;
  /** The seq the kind's last successful run covered (0 before the first). */
  doneSeq: number;
  store: BatchStore;
}

export interface BatchEffect {
  /** Names the effect's row in each batch object: never rename one that shipped. */
  kind: string;
  wants(commit: BatchCommit): Ask | null;
  intervalMs?(config: Config): number;
  /** Does the work; throws to be retried. Must be safe to run twice. */
  run(target: BatchEffectTarget): Promise<void>;
}

export class BatchEffects {
  constructor(
    private readonly store: BatchStore,
    private readonly effects: readonly BatchEffect[],
  ) {}

  /** The rows this commit changes; the store writes them inside the commit's transaction. */
  plan(commit: BatchCommit, config: Config, now: number): EffectRow[] {
    const current = this.store.effectRows();
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

  /** Starts every due effect (leases written first, so `wakeAt` covers them); null when none is due. */
  start(now: number, env: Env, config: Config, stored: StoredBatch, view: BatchView): Promise<void> | null {
    const rows = this.store.effectRows();
    const due = this.effects.filter((e) => isDue(rows.get(e.kind) ?? idleEffect(e.kind), now));
    if (due.length === 0) return null;
    this.store.saveEffects(due.map((e) => started(rows.get(e.kind) ?? idleEffect(e.kind), now)));
    const target = { env, config, stored, view, store: this.store };
    return Promise.all(
      due.map((effect) => this.runOne(effect, { ...target, doneSeq: rows.get(effect.kind)?.doneSeq ?? 0 })),
    ).then(() => undefined);
  }

  private async runOne(effect: BatchEffect, target: BatchEffectTarget): Promise<void> {
    try {
      await effect.run(target);
      this.store.saveEffects([succeeded(this.rowOf(effect.kind), target.stored.seq)]);
    } catch (err) {
      const row = failed(this.rowOf(effect.kind), Date.now());
      this.store.saveEffects([row]);
      log.warn("batch.effect_failed", {
        effect: effect.kind,
        batch_id: target.stored.batch.id,
        seq: target.stored.seq,
        failures: row.failures,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private rowOf(kind: string): EffectRow {
    return this.store.effectRows().get(kind) ?? idleEffect(kind);
  }

  /** The earliest time an effect needs the alarm, or null. */
  wakeAt(): number | null {
    let at: number | null = null;
    for (const row of this.store.effectRows().values()) {
      const t = wakeAt(row);
      if (t !== null && (at === null || t < at)) at = t;
    }
    return at;
  }
}
