/**
 * Per-owner concurrency: at most `max_running` of one owner's dispatched jobs (pull leases and
 * push sends together) run at once, so one customer's burst cannot take a whole shared fleet.
 * Pure rules: the limit that applies to an owner, whether another job may start, and why a
 * queued job is waiting. The owner's DispatchCoordinator counts and applies them.
 */

import type { QueueStanding } from "../protocol";

/** Why a queued job has not started yet, as GET /api/jobs/:id and /api/stats show it. */
export type WaitReason = QueueStanding["reason"];

/** The owner's limit from the config (its OWNER_MAX_RUNNING entry, else MAX_RUNNING_PER_OWNER). */
export function ownerMaxRunning(config: { maxRunningPerOwner: number; maxRunningByOwner: ReadonlyMap<string, number> }, owner: string): number {
  return maxRunningFor(owner, config.maxRunningPerOwner, config.maxRunningByOwner);
}

/** The owner's limit: its override when one is configured, else the deployment default; 0 = none. */
export function maxRunningFor(owner: string, defaultMax: number, overrides: ReadonlyMap<string, number>): number {
  return overrides.get(owner) ?? defaultMax;
}

/** Whether one more of the owner's jobs may start while `running` of them run. */
export function mayStart(running: number, maxRunning: number): boolean {
  return maxRunning === 0 || running < maxRunning;
}

/** Why a queued job eligible at `eligibleAt` is still waiting at `now`. */
export function waitReason(running: number, maxRunning: number, eligibleAt: number, now: number): WaitReason {
  if (!mayStart(running, maxRunning)) return "owner_limit";
  return eligibleAt > now ? "retry_backoff" : "waiting_for_worker";
}

/** Parses OWNER_MAX_RUNNING, e.g. "acme=20, beta=5", into a map; a malformed entry is an error. */
export function parseOwnerLimits(text: string): Map<string, number> {
  const limits = new Map<string, number>();
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^([a-z0-9][a-z0-9_-]{0,63})=([0-9]{1,6})$/.exec(part);
    if (!match) throw new Error(`OWNER_MAX_RUNNING: "${part}" is not owner=number`);
    limits.set(match[1]!, Number(match[2]));
  }
  return limits;
}
