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
  /**
   * Where the next rate sample is measured from: the last report that moved
   * the percent. Reports that leave the percent alone do not move it, so
   * their time is not lost from the rate.
   */
  rateAnchor: { at: number; percent: number } | null;
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
  rateAnchor: null,
  updatedAt: null,
};

/** The time constant of the rate's moving average: older samples fade over ~10 s. */
const RATE_TIME_CONSTANT_MS = 10_000;

/** The exact percent a report stands for, clamped to 0..100. */
function exactPercentOf(report: ProgressReport): number {
  const raw = report.percent ?? ((report.done ?? 0) / (report.total ?? 1)) * 100;
  return Math.min(100, Math.max(0, raw));
}

/** The percent a report stands for, clamped to 0..100 and rounded to 0.01. */
export function percentOf(report: ProgressReport): number {
  return Math.round(exactPercentOf(report) * 100) / 100;
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
  // The rate is measured on the unrounded percent, so small steps are not distorted by rounding.
  const exact = exactPercentOf(report);
  const anchor = prev.rateAnchor ?? { at: startedAt, percent: 0 };
  const dtMs = now - anchor.at;
  let rate = prev.rate;
  let rateAnchor = anchor;
  if (dtMs > 0 && exact > anchor.percent) {
    const instant = (exact - anchor.percent) / (dtMs / 1000);
    const weight = 1 - Math.exp(-dtMs / RATE_TIME_CONSTANT_MS);
    rate = rate === null ? instant : rate + weight * (instant - rate);
    rateAnchor = { at: now, percent: exact };
  }
  return {
    percent,
    done: report.done ?? null,
    total: report.total ?? null,
    stage: report.stage ?? prev.stage,
    message: report.message ?? null,
    etaSeconds: etaSeconds(percent, rate),
    rate,
    rateAnchor,
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
