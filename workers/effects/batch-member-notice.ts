/**
 * Effect: a batch member tells its batch's object of its changes (status at
 * once, progress coalesced to one notice a second), so the batch's aggregate
 * follows its members. The change carries the job's seq, and the batch
 * ignores one not newer than what it holds, so retries never double-count.
 */
import { batchObject } from "../batches/batch-object";
import type { MemberChange } from "../batches/member";
import type { JobState } from "../jobs/job";
import type { AfterCommitEffect } from "./after-commit";

const PROGRESS_INTERVAL_MS = 1000;

/** What the batch keeps of a job as it is at `seq`; its error only while it is failed. */
export function memberChangeOf(job: JobState, seq: number): MemberChange {
  return {
    jobId: job.id,
    seq,
    status: job.status,
    attempt: job.attempt,
    percent: job.progress.percent,
    done: job.progress.done,
    total: job.progress.total,
    etaSeconds: job.progress.etaSeconds,
    error: job.status === "failed" && job.error ? { message: job.error.message, at: job.error.at } : null,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
  };
}

export const batchMemberNotice: AfterCommitEffect = {
  kind: "batch-member",
  wants({ before, job }) {
    // The batch seeds its members as created, so the creation needs no notice.
    if (job.batchId === undefined || before === null) return null;
    if (before.status !== job.status || before.attempt !== job.attempt) return "now";
    const p = before.progress;
    const q = job.progress;
    const moved = p.percent !== q.percent || p.done !== q.done || p.total !== q.total || p.etaSeconds !== q.etaSeconds;
    return moved ? "coalesce" : null;
  },
  intervalMs: () => PROGRESS_INTERVAL_MS,
  async run({ env, job, seq }) {
    if (job.batchId === undefined) return;
    await batchObject(env, job.batchId).memberChanged(memberChangeOf(job, seq));
  },
};
