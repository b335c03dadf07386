/**
 * The one retry rule of after-commit effects, as pure functions over the row
 * each effect kind keeps in its job's object. A commit asks for an effect
 * ("now", or "coalesce": not sooner than the effect's interval after its last
 * run); a run takes a lease, so a run lost with an evicted instance is picked
 * up again by the alarm once the lease lapses; a failed run is retried with a
 * capped exponential backoff (1 s, 2 s, 4 s... 1 min) until it lands.
 */

export interface EffectRow {
  kind: string;
  /** When the effect should next run; null when nothing is asked of it. */
  dueAt: number | null;
  /** Consecutive failed runs; while > 0, commits do not bring a retry forward. */
  failures: number;
  /** When the last run started: coalescing counts from here. */
  lastStartedAt: number | null;
  /** Set while a run is under way; a lapsed lease makes the effect due again. */
  leaseUntil: number | null;
  /** The job's event seq the last successful run covered (effects that work through the events, e.g. webhooks). */
  doneSeq: number | null;
}

/** How a commit asks for an effect. */
export type Ask = "now" | "coalesce";

/** Longest a run may take before the alarm assumes it was lost and runs it again. */
export const RUN_LEASE_MS = 30_000;
const MAX_RETRY_MS = 60_000;

export const idleEffect = (kind: string): EffectRow => ({
  kind,
  dueAt: null,
  failures: 0,
  lastStartedAt: null,
  leaseUntil: null,
  doneSeq: null,
});

/** Records that a commit at `now` asks for the effect; a failing effect keeps its backoff. */
export function ask(row: EffectRow, how: Ask, now: number, intervalMs: number): EffectRow {
  if (row.failures > 0 && row.dueAt !== null) return row;
  const wanted = how === "now" ? now : Math.max(now, (row.lastStartedAt ?? -Infinity) + intervalMs);
  const dueAt = Math.min(row.dueAt ?? Infinity, wanted);
  // The same row back when nothing changes, so a commit writes no effect row for it.
  return dueAt === row.dueAt ? row : { ...row, dueAt };
}

/** Whether a run should start now: due, and no run holds a live lease. */
export function isDue(row: EffectRow, now: number): boolean {
  if (row.leaseUntil !== null) return row.leaseUntil <= now;
  return row.dueAt !== null && row.dueAt <= now;
}

/** A run starts: it covers every ask so far (it uses the job as it is now). */
export function started(row: EffectRow, now: number): EffectRow {
  return { ...row, dueAt: null, lastStartedAt: now, leaseUntil: now + RUN_LEASE_MS };
}

/** The run landed, having covered the events up to `seq` (when given); asks made while it ran stay due. */
export function succeeded(row: EffectRow, seq?: number): EffectRow {
  const doneSeq = seq === undefined ? row.doneSeq : Math.max(row.doneSeq ?? 0, seq);
  return { ...row, failures: 0, leaseUntil: null, doneSeq };
}

/** The run failed: try again after the backoff. */
export function failed(row: EffectRow, now: number): EffectRow {
  const failures = row.failures + 1;
  return { ...row, failures, leaseUntil: null, dueAt: now + retryDelayMs(failures) };
}

/** 1 s after the first failure, doubling up to a minute. */
export function retryDelayMs(failures: number): number {
  return Math.min(MAX_RETRY_MS, 1000 * 2 ** (Math.max(1, failures) - 1));
}

/** When the alarm must wake for this effect, or null. */
export function wakeAt(row: EffectRow): number | null {
  return row.leaseUntil ?? row.dueAt;
}
