/**
 * @export-tracker/worker: the GPU worker's SDK for the export-job tracker.
 * Lease jobs with a worker key and report progress, heartbeats, the output
 * and the outcome through each attempt's callbacks; `work()` runs the lease
 * loop for you. fetch and timers only: Node 18+, Bun, Deno, Workers.
 *
 *   const client = new WorkerClient({ baseUrl, workerKey, worker: "gpu-07" });
 *   await client.work({ kinds: ["video.render"] }, async (attempt, lease) => { ... });
 */
export { JobCanceled, JobFailed, ProtocolError } from "./errors";
export { JobAttempt, type AttemptSource } from "./job-attempt";
export {
  WorkerClient,
  type JobHandler,
  type WorkerClientOptions,
  type WorkEvent,
  type WorkOptions,
} from "./worker-client";
export { backoffMs, type CallbackAnswer, type LeaseResponse, type ProgressReport, type RetryListener, type RetryPolicy } from "@export-tracker/protocol";
