/**
 * The tracker's browser client: live job and batch state over a
 * reconnecting WebSocket, resumed from the last seq, and React hooks.
 *
 *   import { useExportJob, useExportBatch } from "./client";
 *   const { job, connection } = useExportJob(jobId, viewerToken);
 *   const { batch, jobs } = useExportBatch(batchId, batchViewerToken);
 */
export { applyServerMessage, INITIAL_JOB_STATE, resumeSeq, type JobViewState } from "./job-state";
export { applyBatchMessage, INITIAL_BATCH_STATE, resumeBatchSeq, type BatchViewState } from "./batch-state";
export { applyFeedMessage, applyPage, emptyJobList, type JobListState } from "./job-list-state";
export type { ConnectionState } from "./live-socket";
export { subscribeToFeed, type FeedSubscriptionOptions } from "./subscribe-feed";
export { subscribeToJob, type JobSubscriptionOptions, type TokenSource } from "./subscribe-job";
export { useExportJob, type ExportJobView } from "./use-export-job";
export { subscribeToBatch, type BatchSubscriptionOptions } from "./subscribe-batch";
export { useExportBatch, type ExportBatchView } from "./use-export-batch";
export {
  JOB_STATUSES,
  type BatchMember,
  type BatchView,
  type FeedJobMessage,
  type Job,
  type JobStatus,
  type JobSummary,
} from "../../../workers/protocol";
