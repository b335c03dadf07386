/**
 * The tracker's browser client: live job state over a reconnecting
 * WebSocket, resumed from the last seq, and a React hook.
 *
 *   import { useExportJob } from "./client";
 *   const { job, connection } = useExportJob(jobId, viewerToken);
 */
export { applyServerMessage, INITIAL_JOB_STATE, resumeSeq, type JobViewState } from "./job-state";
export { applyFeedMessage, applyPage, emptyJobList, type JobListState } from "./job-list-state";
export type { ConnectionState } from "./live-socket";
export { appendLogTail, LOG_TAIL_LIMIT } from "./log-tail";
export { subscribeToFeed, type FeedSubscriptionOptions } from "./subscribe-feed";
export { subscribeToJob, type JobSubscriptionOptions, type TokenSource } from "./subscribe-job";
export { useExportJob, type ExportJobView } from "./use-export-job";
export { JOB_STATUSES, type FeedJobMessage, type Job, type JobStatus, type JobSummary, type LogLine, type Preview } from "../../../workers/protocol";
