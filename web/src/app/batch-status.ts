/** How the console colours a batch: by its status, a finished one by why it did not complete. */
import type { BatchCounts, BatchStatus, JobStatus } from "@export-tracker/protocol";

/** The bar's colour: a finished batch shows as failed when a member failed, else as canceled. */
export function batchBarStatus(batch: { status: BatchStatus; counts: BatchCounts }): JobStatus {
  if (batch.status !== "finished") return batch.status;
  return batch.counts.failed > 0 ? "failed" : "canceled";
}

/** "3 completed · 1 running · 1 failed": the counts that are not zero, unfinished ones included. */
export function describeCounts(counts: BatchCounts): string {
  const parts = [
    `${counts.completed} completed`,
    counts.running > 0 && `${counts.running} running`,
    counts.queued > 0 && `${counts.queued} queued`,
    counts.failed > 0 && `${counts.failed} failed`,
    counts.canceled > 0 && `${counts.canceled} canceled`,
  ];
  return parts.filter(Boolean).join(" · ");
}
