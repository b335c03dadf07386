/**
 * What GET /api/stats shows of dispatch: queue depth, leased jobs and the
 * health of each configured push endpoint.
 */
import type { Config } from "../config";
import type { DispatchStats } from "../protocol";
import { dispatchCoordinator } from "./dispatch-coordinator";

export async function dispatchStats(env: Env, config: Config): Promise<DispatchStats> {
  const coordinator = dispatchCoordinator(env);
  const counts = await coordinator.counts();
  const endpoints = await coordinator.endpointHealth(config.gpuEndpoints);
  return { queue_depth: counts.queued, leased: counts.leased, endpoints };
}
