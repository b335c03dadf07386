/**
 * @export-tracker/client: a job's live state in the browser (or any runtime
 * with WebSocket), over a reconnecting socket resumed from the last seq,
 * with every inbound message validated against the shared protocol.
 * A batch's is at "@export-tracker/client/batch" (so an app that follows
 * only jobs does not bundle it), React hooks at "@export-tracker/client/react".
 *
 *   import { subscribeToJob } from "@export-tracker/client";
 *   const stop = subscribeToJob({ jobId, token, baseUrl, onState: ({ job }) => render(job) });
 */
export { applyServerMessage, INITIAL_JOB_STATE, resumeSeq, type JobViewState } from "./job-state";
export { applyFeedMessage, applyPage, emptyJobList, type JobListState } from "./job-list-state";
export type { ConnectionState } from "./live-socket";
export { appendLogTail, LOG_TAIL_LIMIT, logResumeSeq } from "./log-tail";
export { subscribeToFeed, type FeedSubscriptionOptions } from "./subscribe-feed";
export { subscribeToJob, type JobSubscriptionOptions, type TokenSource } from "./subscribe-job";
export {
  isTerminal,
  JOB_STATUSES,
  type FeedJobMessage,
  type Job,
  type JobStatus,
  type JobSummary,
  type ListJobsResponse,
  type LogLine,
  type Preview,
  type ServerMessage,
} from "@export-tracker/protocol";
