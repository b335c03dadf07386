/**
 * Small statistics for `npm run bench`: nearest-rank percentiles over a list
 * of milliseconds, and their formatting.
 */

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The p-th percentile (0 < p <= 100) of ascending `sorted`, by nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Count, p50, p95, p99 and max of `samples`; null when there are none. */
export function summarize(samples: readonly number[]): Summary | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
  };
}

/** Milliseconds with two decimals, e.g. "3.14". */
export const ms = (value: number) => value.toFixed(2);

/** Events per second over `elapsedMs`, one decimal; "n/a" for no elapsed time. */
export const perSecond = (count: number, elapsedMs: number) =>
  elapsedMs > 0 ? ((count * 1000) / elapsedMs).toFixed(1) : "n/a";
