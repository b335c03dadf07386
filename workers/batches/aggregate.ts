/**
 * The batch's aggregate, computed from its members alone (pure): counts by
 * status, one percent, the ETA and the first failure. Recomputed from every
 * member on each change (at most 500), so it can never drift from them.
 *
 * Rules:
 * - percent: by units (sum of done over sum of total, a completed member
 *   counting its whole total) when every member reports done/total; else the
 *   mean of the members' percents, a completed member counting 100. A failed
 *   or canceled member keeps the percent it reached.
 * - eta_seconds: the largest ETA among running members (the slowest one
 *   decides when the batch is done); null when no running member has one.
 * - first_error: the earliest error among the members failed now.
 * - status: running while any member is queued or running; then completed
 *   when all completed, else finished.
 */
import type { BatchCounts, BatchStatus } from "../protocol";
import type { MemberState } from "./member";

export interface Aggregate {
  status: BatchStatus;
  counts: BatchCounts;
  percent: number;
  etaSeconds: number | null;
  weightedBy: "jobs" | "units";
  firstError: { jobId: string; message: string; at: number } | null;
}

export function countByStatus(members: readonly MemberState[]): BatchCounts {
  const counts: BatchCounts = { queued: 0, running: 0, completed: 0, failed: 0, canceled: 0 };
  for (const m of members) counts[m.status]++;
  return counts;
}

export function batchStatus(counts: BatchCounts): BatchStatus {
  if (counts.queued + counts.running > 0) return "running";
  return counts.failed + counts.canceled === 0 ? "completed" : "finished";
}

/** Rounded to a tenth, and 100 only when it is exactly 100. */
function roundPercent(p: number): number {
  const r = Math.round(p * 10) / 10;
  return r >= 100 && p < 100 ? 99.9 : Math.min(100, r);
}

export function batchPercent(members: readonly MemberState[]): { percent: number; weightedBy: "jobs" | "units" } {
  if (members.length === 0) return { percent: 0, weightedBy: "jobs" };
  const byUnits = members.every((m) => m.total !== null && m.total > 0 && m.done !== null);
  if (byUnits) {
    let done = 0;
    let total = 0;
    for (const m of members) {
      total += m.total!;
      done += m.status === "completed" ? m.total! : Math.min(m.done!, m.total!);
    }
    return { percent: roundPercent((done / total) * 100), weightedBy: "units" };
  }
  const sum = members.reduce((s, m) => s + (m.status === "completed" ? 100 : m.percent), 0);
  return { percent: roundPercent(sum / members.length), weightedBy: "jobs" };
}

export function batchEta(members: readonly MemberState[]): number | null {
  let eta: number | null = null;
  for (const m of members) {
    if (m.status === "running" && m.etaSeconds !== null && (eta === null || m.etaSeconds > eta)) eta = m.etaSeconds;
  }
  return eta;
}

export function firstError(members: readonly MemberState[]): Aggregate["firstError"] {
  let first: Aggregate["firstError"] = null;
  for (const m of members) {
    if (m.status !== "failed" || m.error === null) continue;
    if (first === null || m.error.at < first.at || (m.error.at === first.at && m.jobId < first.jobId)) {
      first = { jobId: m.jobId, message: m.error.message, at: m.error.at };
    }
  }
  return first;
}

export function aggregate(members: readonly MemberState[]): Aggregate {
  const counts = countByStatus(members);
  return {
    status: batchStatus(counts),
    counts,
    ...batchPercent(members),
    etaSeconds: batchEta(members),
    firstError: firstError(members),
  };
}
