/**
 * @export-tracker/worker: the GPU worker's SDK for the export-job tracker.
 * Lease jobs with a worker key and report progress, heartbeats, the output
 * and the outcome through each attempt's callbacks, or over its channel (one
 * acknowledged WebSocket per attempt, `attempt.connect()`); log lines and
 * preview frames; `work()` runs the lease loop for you. fetch, WebSocket and
 * timers only (the channel needs a WebSocket that takes headers, as Node's does).
 *
 *   const client = new WorkerClient({ baseUrl, workerKey, worker: "gpu-07" });
 *   await client.work({ kinds: ["video.render"] }, async (attempt, lease) => { ... });
 */
export { JobCanceled, JobFailed, ProtocolError } from "./errors";
export { JobAttempt, type AttemptSource } from "./job-attempt";
export { ReportChannel, ReportRefused, type Ack, type Report, type ReportChannelOptions } from "./report-channel";
export {
  WorkerClient,
  type JobHandler,
  type WorkerClientOptions,
  type WorkEvent,
  type WorkOptions,
} from "./worker-client";
export { backoffMs, type CallbackAnswer, type LeaseResponse, type ProgressReport, type RetryListener, type RetryPolicy } from "@export-tracker/protocol";
