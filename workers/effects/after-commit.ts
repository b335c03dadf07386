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
import type { EffectRow } from "./effect-schedule";
import { EffectRunner, type Effect, type EffectRows as RunnerRows } from "./effect-runner";

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

export type AfterCommitEffect = Effect<Commit, Omit<EffectTarget, "doneSeq">>;

/** Where the runner keeps effect rows: the job's store, in the object's SQLite. */
export interface EffectRows extends RunnerRows {
  /** The logged events with seq in (after, upTo], oldest first. */
  eventsBetween(after: number, upTo: number): StoredEvent[];
}

export class AfterCommit {
  private readonly runner: EffectRunner<Commit, Omit<EffectTarget, "doneSeq">>;

  constructor(
    private readonly rows: EffectRows,
    effects: readonly AfterCommitEffect[],
  ) {
    this.runner = new EffectRunner(rows, effects, "effect.failed");
  }

  /** The rows this commit changes; the store writes them inside the commit's transaction. */
  plan(commit: Commit, config: Config, now: number): EffectRow[] {
    return this.runner.plan(commit, config, now);
  }

  /** Starts every due effect for the job as stored and returns the runs (null when none is due). */
  start(now: number, env: Env, config: Config, stored: StoredJob): Promise<void> | null {
    let row: JobRow | undefined;
    const target: Omit<EffectTarget, "doneSeq"> = {
      env,
      config,
      job: stored.job,
      seq: stored.seq,
      row: () => (row ??= toJobRow(stored.job, stored.seq)),
      eventsAfter: (seq) => this.rows.eventsBetween(seq, stored.seq),
    };
    return this.runner.start(now, stored.seq, target, { job_id: stored.job.id });
  }

  /** The earliest time an effect needs the alarm, or null. */
  wakeAt(): number | null {
    return this.runner.wakeAt();
  }
}
