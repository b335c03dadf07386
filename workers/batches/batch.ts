/**
 * The batch as its object stores it, its public view, and the one pure
 * decision of what a member's change does to it (which events it raises).
 */
import type { BatchEvent, BatchView, JsonValue } from "../protocol";
import { aggregate, type Aggregate } from "./aggregate";
import { applyMemberChange, changeKind, toMemberView, type MemberChange, type MemberState } from "./member";

export interface BatchRecord {
  id: string;
  owner: string;
  metadata: JsonValue | null;
  /** Scheme and host the batch was created under: its links use it. */
  origin: string;
  createdAt: number;
  updatedAt: number;
  /** When the batch last finished; null while it runs. */
  finishedAt: number | null;
}

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

/** An event before the store stamps it with its seq, time and the aggregate. */
export type BatchEventDraft = DistributiveOmit<BatchEvent, "batch_id" | "seq" | "at" | "batch">;

const iso = (ms: number) => new Date(ms).toISOString();

export function toBatchView(batch: BatchRecord, agg: Aggregate, total: number): BatchView {
  return {
    id: batch.id,
    status: agg.status,
    total,
    counts: agg.counts,
    progress: { percent: agg.percent, eta_seconds: agg.etaSeconds, weighted_by: agg.weightedBy },
    first_error: agg.firstError && { job_id: agg.firstError.jobId, message: agg.firstError.message, at: iso(agg.firstError.at) },
    metadata: batch.metadata,
    created_at: iso(batch.createdAt),
    updated_at: iso(batch.updatedAt),
    finished_at: batch.finishedAt === null ? null : iso(batch.finishedAt),
  };
}

export type MemberNotice =
  | { changed: false }
  | { changed: true; batch: BatchRecord; member: MemberState; aggregate: Aggregate; events: BatchEventDraft[] };

/**
 * What `change` does to the batch: nothing when it is not newer than the
 * member's seq (a duplicate or a late notice); else the member's new state,
 * the new aggregate, and the events: `batch:job` for a status change,
 * `batch:progress` for progress, then `batch:completed` or `batch:finished`
 * when this change finished the batch.
 */
export function noticeMember(
  batch: BatchRecord,
  members: readonly MemberState[],
  change: MemberChange,
  now: number,
): MemberNotice {
  const index = members.findIndex((m) => m.jobId === change.jobId);
  if (index < 0) return { changed: false };
  const before = members[index]!;
  const member = applyMemberChange(before, change);
  if (member === before) return { changed: false };
  const next = members.with(index, member);
  const was = aggregate(members);
  const agg = aggregate(next);
  const events: BatchEventDraft[] = [];
  const kind = changeKind(before, member);
  if (kind === "status") events.push({ type: "batch:job", job: toMemberView(member) });
  if (kind === "progress") events.push({ type: "batch:progress", job: toMemberView(member) });
  const finishedNow = was.status === "running" && agg.status !== "running";
  if (finishedNow) events.push({ type: agg.status === "completed" ? "batch:completed" : "batch:finished" });
  const updated: BatchRecord = {
    ...batch,
    updatedAt: events.length > 0 ? now : batch.updatedAt,
    finishedAt: agg.status === "running" ? null : finishedNow ? now : batch.finishedAt,
  };
  return { changed: true, batch: updated, member, aggregate: agg, events };
}
