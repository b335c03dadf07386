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
import type { EffectRow } from "../effects/effect-schedule";
import { EffectRunner, type Effect } from "../effects/effect-runner";
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

/** One kind of a batch's effects (see batch-effect-list.ts). */
export type BatchEffect = Effect<BatchCommit, Omit<BatchEffectTarget, "doneSeq">>;

export class BatchEffects {
  private readonly runner: EffectRunner<BatchCommit, Omit<BatchEffectTarget, "doneSeq">>;

  constructor(
    private readonly store: BatchStore,
    effects: readonly BatchEffect[],
  ) {
    this.runner = new EffectRunner(store, effects, "batch.effect_failed");
  }

  /** The rows this commit changes; the store writes them inside the commit's transaction. */
  plan(commit: BatchCommit, config: Config, now: number): EffectRow[] {
    return this.runner.plan(commit, config, now);
  }

  /** Starts every due effect (leases written first, so `wakeAt` covers them); null when none is due. */
  start(now: number, env: Env, config: Config, stored: StoredBatch, view: BatchView): Promise<void> | null {
    return this.runner.start(now, stored.seq, { env, config, stored, view, store: this.store }, { batch_id: stored.batch.id });
  }

  /** The earliest time an effect needs the alarm, or null. */
  wakeAt(): number | null {
    return this.runner.wakeAt();
  }
}
