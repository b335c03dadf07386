/**
 * What GET /api/stats shows of dispatch: the caller's owner's queue depth, leased and running
 * jobs against its limit, and the health of each configured push endpoint (shared by all).
 */
import type { Config } from "../config";
import type { JobState } from "../jobs/job";
import type { DispatchStats, QueueStanding } from "../protocol";
import { dispatchCoordinator, pushCoordinator } from "./dispatch-coordinator";
import { mayStart, ownerMaxRunning } from "./owner-limit";

/** Where a queued pull or push job stands in its owner's line, and why it waits; null otherwise. */
export async function queueStanding(env: Env, config: Config, job: JobState, now: number): Promise<QueueStanding | null> {
  if (job.status !== "queued" || (job.dispatch ?? "external") === "external") return null;
  return dispatchCoordinator(env, job.owner).position(job.id, now, ownerMaxRunning(config, job.owner));
}

export async function dispatchStats(env: Env, config: Config, owner: string): Promise<DispatchStats> {
  const counts = await dispatchCoordinator(env, owner).counts();
  const endpoints = await pushCoordinator(env).endpointHealth(config.gpuEndpoints);
  const maxRunning = ownerMaxRunning(config, owner);
  const waitingForLimit = mayStart(counts.running, maxRunning) ? counts.held : counts.queued;
  return {
    queue_depth: counts.queued,
    leased: counts.leased,
    running: counts.running,
    max_running: maxRunning,
    waiting_for_limit: waitingForLimit,
    endpoints,
  };
}
