/**
 * Progress arithmetic: turns a worker's report (a percent, or done/total
 * units) into the percent and ETA that browsers show, so no client does maths.
 */
import type { ProgressReport } from "../protocol";

export interface ProgressState {
  percent: number;
  done: number | null;
  total: number | null;
  stage: string | null;
  message: string | null;
  etaSeconds: number | null;
  /** Smoothed rate in percent per second; the basis of the ETA. */
  rate: number | null;
  updatedAt: number | null;
}

export const INITIAL_PROGRESS: ProgressState = {
  percent: 0,
  done: null,
  total: null,
  stage: null,
  message: null,
  etaSeconds: null,
  rate: null,
  updatedAt: null,
};

/** The time constant of the rate's moving average: older samples fade over ~10 s. */
const RATE_HALF_LIFE_MS = 10_000;

/** The percent a report stands for, clamped to 0..100 and rounded to 0.01. */
export function percentOf(report: ProgressReport): number {
  const raw =
    report.percent ?? ((report.done ?? 0) / (report.total ?? 1)) * 100;
  return Math.round(Math.min(100, Math.max(0, raw)) * 100) / 100;
}

/**
 * The progress after `report` at `now`. The rate is a time-weighted moving
 * average, so a worker that reports 50 times a second gets the same ETA as
 * one that reports every 5 s. The first report measures from `startedAt`.
 */
export function nextProgress(
  prev: ProgressState,
  report: ProgressReport,
  now: number,
  startedAt: number,
): ProgressState {
  const percent = percentOf(report);
  const since = prev.updatedAt ?? startedAt;
  const base = prev.updatedAt === null ? 0 : prev.percent;
  const dtMs = now - since;
  let rate = prev.rate;
  if (dtMs > 0 && percent > base) {
    const instant = (percent - base) / (dtMs / 1000);
    const weight = 1 - Math.exp(-dtMs / RATE_HALF_LIFE_MS);
    rate = rate === null ? instant : rate + weight * (instant - rate);
  }
  return {
    percent,
    done: report.done ?? null,
    total: report.total ?? null,
    stage: report.stage ?? prev.stage,
    message: report.message ?? null,
    etaSeconds: etaSeconds(percent, rate),
    rate,
    updatedAt: now,
  };
}

/** Seconds left at `rate`; null while there is no rate to go by. */
export function etaSeconds(percent: number, rate: number | null): number | null {
  if (percent >= 100) return 0;
  if (rate === null || rate <= 0) return null;
  return Math.ceil((100 - percent) / rate);
}

/** Whether a report would change nothing a browser shows. */
export function isSameProgress(prev: ProgressState, next: ProgressState): boolean {
  return (
    prev.percent === next.percent &&
    prev.done === next.done &&
    prev.total === next.total &&
    prev.stage === next.stage &&
    prev.message === next.message
  );
}
