/**
 * What a subscriber knows of one batch (the aggregate and every member), and
 * the one pure function that folds each batch socket message into it. Batch
 * events carry the whole aggregate and, for a member change, the whole member
 * row, so an event is either newer than the seq held (take it) or a repeat.
 */
import type { BatchMember, BatchServerMessage, BatchView } from "@export-tracker/protocol";

export interface BatchViewState {
  /** The batch as of `seq`, or null before the first message. */
  batch: BatchView | null;
  /** Every member, in index order. */
  jobs: BatchMember[];
  /** The newest batch event seq folded in; -1 before the first message. */
  seq: number;
  lastType: BatchServerMessage["type"] | null;
  error: { code: string; message: string } | null;
}

export const INITIAL_BATCH_STATE: BatchViewState = { batch: null, jobs: [], seq: -1, lastType: null, error: null };

/** Folds `message` into `state`; returns `state` itself when the message adds nothing. */
export function applyBatchMessage(state: BatchViewState, message: BatchServerMessage): BatchViewState {
  if (message.type === "error") return { ...state, error: message.error };
  if (state.batch !== null && message.batch_id !== state.batch.id) return state;
  if (message.type === "batch:snapshot") {
    if (message.seq < state.seq) return state;
    return { batch: message.batch, jobs: message.jobs, seq: message.seq, lastType: message.type, error: null };
  }
  if (message.seq <= state.seq) return state;
  const jobs = "job" in message ? upsertMember(state.jobs, message.job) : state.jobs;
  return { batch: message.batch, jobs, seq: message.seq, lastType: message.type, error: null };
}

/** The member list with `member` in its place, unless what is held is newer. */
function upsertMember(jobs: BatchMember[], member: BatchMember): BatchMember[] {
  const at = jobs.findIndex((j) => j.id === member.id);
  if (at < 0) return [...jobs, member].sort((a, b) => a.index - b.index);
  if (jobs[at]!.seq > member.seq) return jobs;
  return jobs.with(at, member);
}

/** The `since` to resume from after a reconnect, or null to ask for a snapshot. */
export function resumeBatchSeq(state: BatchViewState): number | null {
  return state.batch === null ? null : state.seq;
}
