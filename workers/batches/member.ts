/**
 * A batch's member as the batch object keeps it, and the change a member job
 * sends after each of its commits. A change carries the job's event seq, so a
 * duplicated or late notice (after-commit runs are retried) is recognised and
 * never applied twice or over a newer one.
 */
import type { BatchMember, JobStatus } from "../protocol";

export interface MemberState {
  jobId: string;
  /** Its place in the creating request. */
  index: number;
  kind: string;
  /** The job's event seq this state reflects; 0 as seeded at creation. */
  seq: number;
  status: JobStatus;
  attempt: number;
  percent: number;
  done: number | null;
  total: number | null;
  etaSeconds: number | null;
  error: { message: string; at: number } | null;
  updatedAt: number;
  finishedAt: number | null;
}

/** What a member job reports of itself to its batch. */
export type MemberChange = Omit<MemberState, "index" | "kind">;

/** A member as created: queued, nothing reported yet. */
export function seedMember(jobId: string, index: number, kind: string, now: number): MemberState {
  return {
    jobId,
    index,
    kind,
    seq: 0,
    status: "queued",
    attempt: 1,
    percent: 0,
    done: null,
    total: null,
    etaSeconds: null,
    error: null,
    updatedAt: now,
    finishedAt: null,
  };
}

/** The member after `change`, or the same object when the change is not newer than what it holds. */
export function applyMemberChange(member: MemberState, change: MemberChange): MemberState {
  if (change.jobId !== member.jobId || change.seq <= member.seq) return member;
  return { ...member, ...change };
}

/** How a change moved a member: its status (or attempt), only its progress, or nothing shown. */
export function changeKind(before: MemberState, after: MemberState): "status" | "progress" | null {
  if (before === after) return null;
  if (before.status !== after.status || before.attempt !== after.attempt) return "status";
  const moved =
    before.percent !== after.percent ||
    before.done !== after.done ||
    before.total !== after.total ||
    before.etaSeconds !== after.etaSeconds;
  return moved ? "progress" : null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toMemberView(m: MemberState): BatchMember {
  return {
    id: m.jobId,
    index: m.index,
    kind: m.kind,
    status: m.status,
    attempt: m.attempt,
    progress: { percent: m.percent, done: m.done, total: m.total, eta_seconds: m.etaSeconds },
    error: m.error?.message ?? null,
    seq: m.seq,
    updated_at: iso(m.updatedAt),
    finished_at: m.finishedAt === null ? null : iso(m.finishedAt),
  };
}
