/**
 * The browser rate rule for progress: stored state takes every report, but
 * browsers get at most CHANNEL_LIMITS.progressEventsPerSecond `job:progress`
 * events a second per job. A progress event that comes too soon after the
 * last one is held back (the job already holds its values); the next report
 * after the interval, or the alarm at the interval's end, appends one
 * `job:progress` with the newest values, taking the next seq, so browsers
 * still see seq rise by exactly one. Any other event (started, recovered,
 * completed...) is never delayed or merged; it carries the job as it is, so
 * it also settles a held-back progress.
 */
import { CHANNEL_LIMITS } from "../protocol";
import type { EventDraft } from "../jobs/transition";

export const PROGRESS_EVENT_INTERVAL_MS = Math.ceil(1000 / CHANNEL_LIMITS.progressEventsPerSecond);

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
  state: CoalesceState;
}

const isProgress = (d: EventDraft) => d.type === "job:progress";

/** Decides which of one update's drafts are published now, at `now`. */
export function coalesceProgress(state: CoalesceState, drafts: readonly EventDraft[], now: number): CoalesceDecision {
  const others = drafts.filter((d) => !isProgress(d));
  if (others.length > 0) {
    // Never delayed; the events carry the newest progress, so nothing stays held back.
    return { drafts: [...drafts], state: { lastPublishedAt: now, heldSince: null } };
  }
  const wantsProgress = drafts.length > 0 || state.heldSince !== null;
  if (!wantsProgress) return { drafts: [], state };
  if (isDue(state, now)) {
    return { drafts: [{ type: "job:progress" }], state: { lastPublishedAt: now, heldSince: null } };
  }
  return { drafts: [], state: state.heldSince !== null ? state : { ...state, heldSince: now } };
}

/** The alarm's turn: a held-back progress whose interval has passed is published. */
export function flushHeldProgress(state: CoalesceState, now: number): CoalesceDecision {
  return state.heldSince === null ? { drafts: [], state } : coalesceProgress(state, [], now);
}

/** When a held-back progress must be published (the alarm time), or null. */
export function flushAt(state: CoalesceState): number | null {
  if (state.heldSince === null) return null;
  return (state.lastPublishedAt ?? state.heldSince) + PROGRESS_EVENT_INTERVAL_MS;
}

function isDue(state: CoalesceState, now: number): boolean {
  return state.lastPublishedAt === null || now - state.lastPublishedAt >= PROGRESS_EVENT_INTERVAL_MS;
}
