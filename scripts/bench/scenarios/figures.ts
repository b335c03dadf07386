/**
 * A figure the bench reports: one measure for the floor and the tracker, the
 * ratio tracker / floor, and the target for it (a ratio bound, or a
 * bound on the tracker's own figure), judged PASS or MISS.
 */
import { percentile } from "../../lib/stats";

export type Goal = { ratioAtMost: number } | { ratioAtLeast: number } | { trackerAtMost: number };

export interface Figure {
  scenario: string;
  label: string;
  unit: string;
  floor: number | null;
  tracker: number | null;
  goal?: Goal;
}

/** tracker / floor, or null when either is missing or the floor is 0. */
export function ratio(f: Figure): number | null {
  if (f.unit === "yes/no") return null;
  return f.floor === null || f.tracker === null || f.floor === 0 ? null : f.tracker / f.floor;
}

/** PASS or MISS against the figure's goal; null when it has none or lacks a value. */
export function verdict(f: Figure): "PASS" | "MISS" | null {
  if (!f.goal) return null;
  if ("trackerAtMost" in f.goal) return f.tracker === null ? "MISS" : f.tracker <= f.goal.trackerAtMost ? "PASS" : "MISS";
  const r = ratio(f);
  if (r === null) return "MISS";
  return ("ratioAtMost" in f.goal ? r <= f.goal.ratioAtMost : r >= f.goal.ratioAtLeast) ? "PASS" : "MISS";
}

/** The goal as printed beside the figure. */
export function goalText(goal: Goal | undefined): string {
  if (!goal) return "";
  if ("ratioAtMost" in goal) return `<= ${goal.ratioAtMost}x`;
  if ("ratioAtLeast" in goal) return `>= ${goal.ratioAtLeast}x`;
  return `<= ${goal.trackerAtMost}`;
}

/** Nearest-rank percentile of unsorted samples; null for none. */
export function pct(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  return percentile([...samples].sort((a, b) => a - b), p);
}

export const max = (samples: readonly number[]) => (samples.length === 0 ? null : Math.max(...samples));

/** p50, p90, p99 and max figures of `samples[target]`, with goals for some of them. */
export function distribution(
  scenario: string,
  label: string,
  samples: { floor: number[]; tracker: number[] },
  goals: { p50?: Goal; p90?: Goal; p99?: Goal; max?: Goal } = {},
): Figure[] {
  const row = (name: "p50" | "p90" | "p99" | "max", f: (s: number[]) => number | null): Figure => ({
    scenario,
    label: `${label} ${name}`,
    unit: "ms",
    floor: f(samples.floor),
    tracker: f(samples.tracker),
    ...(goals[name] && { goal: goals[name] }),
  });
  return [row("p50", (s) => pct(s, 50)), row("p90", (s) => pct(s, 90)), row("p99", (s) => pct(s, 99)), row("max", max)];
}
