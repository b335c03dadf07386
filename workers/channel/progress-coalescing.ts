/**
 * The browser rate rule for progress: stored state takes every report, HTTP
 * callback or channel alike, but browsers get at most one `job:progress`
 * event per interval per job (BROWSER_PROGRESS_PER_SECOND, 30 a second by
 * default). A progress event that comes too soon after the last one is held
 * back (the job already holds its values); the next report after the
 * interval, or the alarm at the interval's end, appends one `job:progress`
 * with the newest values, taking the next seq, so browsers still see seq rise
 * by exactly one. Any other event (started, canceled, completed...) is never
 * delayed or merged; it carries the job as it is, so it also settles a
 * held-back progress. An interval of 0 turns the rule off.
 */
import type { EventDraft } from "../jobs/transition";

/** The least time between two `job:progress` events of one job for `perSecond` a second; 0 (no cap) for 0. */
export function progressIntervalMs(perSecond: number): number {
  return perSecond > 0 ? Math.ceil(1000 / perSecond) : 0;
}

export interface CoalesceState {
  /** When the last `job:progress` (or other event showing the job) was published. */
  lastPublishedAt: number | null;
  /** Set while a progress is held back: the job's stored progress is newer than its last event. */
  heldSince: number | null;
}

export const INITIAL_COALESCE: CoalesceState = { lastPublishedAt: null, heldSince: null };

export interface CoalesceDecision {
  /** The drafts to append now, in order. */
  drafts: EventDraft[];
  /** The state to store; the same object when nothing changed (so nothing is written). */
  state: CoalesceState;
}

const isProgress = (d: EventDraft) => d.type === "job:progress";

/** Decides which of one update's drafts are published now, at `now`, with `intervalMs` between progress events. */
export function coalesceProgress(
  state: CoalesceState,
  drafts: readonly EventDraft[],
  now: number,
  intervalMs: number,
): CoalesceDecision {
  if (intervalMs <= 0) return uncapped(state, drafts);
  const others = drafts.filter((d) => !isProgress(d));
  if (others.length > 0) {
    // Never delayed; the events carry the newest progress, so nothing stays held back.
    return { drafts: [...drafts], state: { lastPublishedAt: now, heldSince: null } };
  }
  const wantsProgress = drafts.length > 0 || state.heldSince !== null;
  if (!wantsProgress) return { drafts: [], state };
  if (isDue(state, now, intervalMs)) {
    return { drafts: [{ type: "job:progress" }], state: { lastPublishedAt: now, heldSince: null } };
  }
  return { drafts: [], state: state.heldSince !== null ? state : { ...state, heldSince: now } };
}

/** No cap: every draft goes out; a progress held back under an earlier cap goes out with the next update. */
function uncapped(state: CoalesceState, drafts: readonly EventDraft[]): CoalesceDecision {
  if (state.heldSince === null) return { drafts: [...drafts], state };
  const flushed: EventDraft[] = drafts.length > 0 ? [...drafts] : [{ type: "job:progress" }];
  return { drafts: flushed, state: INITIAL_COALESCE };
}

/** The alarm's turn: a held-back progress whose interval has passed is published. */
export function flushHeldProgress(state: CoalesceState, now: number, intervalMs: number): CoalesceDecision {
  return state.heldSince === null ? { drafts: [], state } : coalesceProgress(state, [], now, intervalMs);
}

/** When a held-back progress must be published (the alarm time), or null. */
export function flushAt(state: CoalesceState, intervalMs: number): number | null {
  if (state.heldSince === null) return null;
  return (state.lastPublishedAt ?? state.heldSince) + Math.max(0, intervalMs);
}

function isDue(state: CoalesceState, now: number, intervalMs: number): boolean {
  return state.lastPublishedAt === null || now - state.lastPublishedAt >= intervalMs;
}
