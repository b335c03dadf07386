/**
 * Pure rules of push dispatch: the round-robin order in which endpoints are
 * tried for one job (failing over down the list), the redelivery backoff,
 * and an endpoint's recent health.
 */
import type { EndpointHealth } from "../protocol";

/** The endpoints to try for one job: a rotation starting at `turn` (the round-robin cursor). */
export function failoverOrder<T>(endpoints: readonly T[], turn: number): T[] {
  const n = endpoints.length;
  if (n === 0) return [];
  const start = ((turn % n) + n) % n;
  return [...endpoints.slice(start), ...endpoints.slice(0, start)];
}

/** Seconds before redelivery `attempt` (1-based) of a job no endpoint took: 5, 10, 20... capped at 5 min. */
export function pushRetryDelaySeconds(attempt: number, baseSeconds = 5): number {
  return Math.min(300, baseSeconds * 2 ** Math.max(0, attempt - 1));
}

export interface EndpointCall {
  url: string;
  at: number;
  ok: boolean;
  error: string | null;
}

/** How many calls per endpoint the health view remembers. */
export const HEALTH_WINDOW = 20;

/** Each configured endpoint's health from its recent calls (newest first or in any order). */
export function summarizeHealth(endpoints: readonly string[], calls: readonly EndpointCall[]): EndpointHealth[] {
  return endpoints.map((url) => {
    const mine = calls.filter((c) => c.url === url).sort((a, b) => b.at - a.at).slice(0, HEALTH_WINDOW);
    const failures = mine.filter((c) => !c.ok);
    const success = mine.find((c) => c.ok);
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    return {
      url,
      recent_failures: failures.length,
      recent_calls: mine.length,
      last_error: failures[0]?.error ?? null,
      last_failure_at: iso(failures[0]?.at),
      last_success_at: iso(success?.at),
    };
  });
}
