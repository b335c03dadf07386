/**
 * Which of a job's committed events go to the webhook queue now. Every event
 * that has a webhook type is sent once, in seq order, except progress, which
 * is coalesced per job: the newest progress goes out at most once every
 * `intervalMs` (the latest wins), and a progress followed by any other event
 * is dropped, since that event carries the newer job. The same rule holds
 * for every endpoint of the job, so each gets at most one progress per
 * interval.
 */
import type { JobEvent } from "../protocol";
import { webhookTypeOf } from "./event-types";

export interface HandoverState {
  /** Every event up to this seq has been handed over (or dropped). */
  handedSeq: number;
  /** When a progress event was last handed over. */
  progressSentAt: number | null;
}

export const INITIAL_HANDOVER: HandoverState = { handedSeq: 0, progressSentAt: null };

export interface HandoverPlan {
  /** The events to hand over now, oldest first. */
  send: JobEvent[];
  /** The state once `send` is handed over. */
  next: HandoverState;
  /** When a held progress becomes due, or null. */
  dueAt: number | null;
}

/** Plans the handover of `events` (the log after `state.handedSeq`, oldest first) at `now`. */
export function planHandover(state: HandoverState, events: readonly JobEvent[], now: number, intervalMs: number): HandoverPlan {
  const pending = events.filter((e) => e.seq > state.handedSeq);
  const lastSeq = pending.at(-1)?.seq ?? state.handedSeq;
  const sendable = pending.filter((e) => webhookTypeOf(e.type) !== null);
  const others = sendable.filter((e) => e.type !== "job:progress");
  const last = sendable.at(-1);
  if (!last || last.type !== "job:progress") {
    return { send: others, next: { ...state, handedSeq: lastSeq }, dueAt: null };
  }
  const dueAt = state.progressSentAt === null ? now : state.progressSentAt + intervalMs;
  if (now >= dueAt) {
    return { send: [...others, last], next: { handedSeq: lastSeq, progressSentAt: now }, dueAt: null };
  }
  // Hold the progress: the next plan starts just before it and finds it (or a newer one) again.
  return { send: others, next: { ...state, handedSeq: last.seq - 1 }, dueAt };
}
