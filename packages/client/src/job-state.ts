/**
 * What a subscriber knows of one job, and the one pure function that folds
 * each server message into it. Every message carries the whole job, so a
 * message is either newer than what we hold (take it) or not (drop it): an
 * event is never applied twice, and a replayed or resumed stream converges.
 */
import type { Job, ServerMessage } from "@export-tracker/protocol";

export interface JobViewState {
  /** The job as of `seq`, or null before the first message. */
  job: Job | null;
  /** The newest event seq folded in; -1 before the first message. */
  seq: number;
  /** The type of the last message that changed the state. */
  lastType: ServerMessage["type"] | null;
  /** The last protocol error the server sent, if any. */
  error: { code: string; message: string } | null;
}

export const INITIAL_JOB_STATE: JobViewState = { job: null, seq: -1, lastType: null, error: null };

/** Folds `message` into `state`; returns `state` itself when the message adds nothing. */
export function applyServerMessage(state: JobViewState, message: ServerMessage): JobViewState {
  if (message.type === "error") return { ...state, error: message.error };
  if (state.job !== null && message.job_id !== state.job.id) return state;
  // A snapshot at the seq we hold is the same state; an event at or below it is a repeat.
  const isNewer = message.type === "job:snapshot" ? message.seq >= state.seq : message.seq > state.seq;
  if (!isNewer) return state;
  return { job: message.job, seq: message.seq, lastType: message.type, error: null };
}

/** The `since` to resume from after a reconnect, or null to ask for a snapshot. */
export function resumeSeq(state: JobViewState): number | null {
  return state.job === null ? null : state.seq;
}
