/**
 * Push mode: jobs of dispatch "push" are meant for the configured GPU endpoints.
 */
import { log } from "../log";
import type { JobState } from "../jobs/job";

/** Sends a queued push job on its way, or cancels a canceled one at its provider. */
export async function notifyPush(_env: Env, job: JobState): Promise<void> {
  log.warn("push.not_configured", { job_id: job.id, status: job.status });
}
