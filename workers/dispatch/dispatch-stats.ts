/**
 * What GET /api/stats shows of dispatch: the caller's owner's queue depth and
 * leased jobs, and the health of each configured push endpoint (shared by all).
 */
import type { Config } from "../config";
import type { DispatchStats } from "../protocol";
import { dispatchCoordinator, pushCoordinator } from "./dispatch-coordinator";

export async function dispatchStats(env: Env, config: Config, owner: string): Promise<DispatchStats> {
  const counts = await dispatchCoordinator(env, owner).counts();
  const endpoints = await pushCoordinator(env).endpointHealth(config.gpuEndpoints);
  return { queue_depth: counts.queued, leased: counts.leased, endpoints };
}
