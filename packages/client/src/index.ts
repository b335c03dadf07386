/**
 * @export-tracker/client: a job's (or a batch's) live state in the browser (or any runtime
 * with WebSocket), over a reconnecting socket resumed from the last seq,
 * with every inbound message validated against the shared protocol.
 * React hooks are at "@export-tracker/client/react".
 *
 *   import { subscribeToJob } from "@export-tracker/client";
 *   const stop = subscribeToJob({ jobId, token, baseUrl, onState: ({ job }) => render(job) });
 */
export { applyServerMessage, INITIAL_JOB_STATE, resumeSeq, type JobViewState } from "./job-state";
export { applyBatchMessage, INITIAL_BATCH_STATE, resumeBatchSeq, type BatchViewState } from "./batch-state";
export { applyFeedMessage, applyPage, emptyJobList, type JobListState } from "./job-list-state";
export type { ConnectionState } from "./live-socket";
export { appendLogTail, LOG_TAIL_LIMIT, logResumeSeq } from "./log-tail";
export { subscribeToFeed, type FeedSubscriptionOptions } from "./subscribe-feed";
export { subscribeToJob, type JobSubscriptionOptions, type TokenSource } from "./subscribe-job";
export { subscribeToBatch, type BatchSubscriptionOptions } from "./subscribe-batch";
export {
  isTerminal,
  JOB_STATUSES,
  type BatchMember,
  type BatchServerMessage,
  type BatchView,
  type FeedJobMessage,
  type Job,
  type JobStatus,
  type JobSummary,
  type ListJobsResponse,
  type LogLine,
  type Preview,
  type ServerMessage,
} from "@export-tracker/protocol";
