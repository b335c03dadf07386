/**
 * @export-tracker/backend: the typed client for the customer's backend.
 *
 *   const tracker = new TrackerClient({ baseUrl, apiKey: process.env.TRACKER_API_KEY! });
 *   const { job } = await tracker.createJob({ kind: "video.render", input }, { idempotencyKey: orderId });
 *   const { token } = await tracker.viewerToken({ job_id: job.id });   // for the user's browser
 */
export { TrackerClient, type TrackerClientOptions } from "./tracker-client";
export { TrackerError } from "./tracker-error";
export type {
  CallbackCredentials,
  CreateJobRequest,
  CreateJobResponse,
  Job,
  JobResponse,
  JobStatus,
  JobSummary,
  JobWithInput,
  ListJobsResponse,
  StatsResponse,
  ViewerTokenResponse,
} from "@export-tracker/protocol";
