/**
 * Progress arithmetic: the percent a report stands for, and the ETA from a
 * time-weighted rate that must not depend on how often a worker reports.
 */
import { describe, expect, it } from "vitest";
import {
  INITIAL_PROGRESS,
  etaSeconds,
  isSameProgress,
  nextProgress,
  percentOf,
  type ProgressState,
} from "../../workers/jobs/progress";
import type { ProgressReport } from "../../workers/protocol";

const SEC = 1000;
const START = Date.UTC(2030, 0, 1);

/** Feeds `reports` (time offset in ms from START, report) through nextProgress. */
function play(reports: Array<[number, ProgressReport]>): ProgressState {
  return reports.reduce((state, [at, report]) => nextProgress(state, report, START + at, START), INITIAL_PROGRESS);
}

/** Reports of `percentAt(t)` every `everyMs` from `everyMs` up to `untilMs`. */
function steady(everyMs: number, untilMs: number, reportAt: (ms: number) => ProgressReport) {
  const reports: Array<[number, ProgressReport]> = [];
  for (let ms = everyMs; ms <= untilMs; ms += everyMs) reports.push([ms, reportAt(ms)]);
  return reports;
}

describe("percentOf", () => {
  it("takes a reported percent as it is", () => {
    expect(percentOf({ percent: 42.5 })).toBe(42.5);
  });

  it("derives the percent from done and total", () => {
    expect(percentOf({ done: 30, total: 120 })).toBe(25);
  });

  it("prefers the reported percent over done and total", () => {
    expect(percentOf({ percent: 10, done: 9, total: 10 })).toBe(10);
  });

  it("rounds to a hundredth of a percent", () => {
    // 2/3 is 66.666...%, which rounds to 66.67.
    expect(percentOf({ done: 2, total: 3 })).toBe(66.67);
  });

  it("clamps a percent above 100 to 100", () => {
    expect(percentOf({ percent: 150 })).toBe(100);
  });

  it("clamps a negative percent to 0", () => {
    expect(percentOf({ percent: -5 })).toBe(0);
  });
});

describe("nextProgress", () => {
  it("estimates about 9 s left at 10% after one second at 10% a second", () => {
    const state = play([[1 * SEC, { percent: 10 }]]);
    // 90% left at 10%/s.
    expect(state.etaSeconds).toBe(9);
  });

  it("keeps the estimate in step with a steady rate", () => {
    const state = play([
      [1 * SEC, { percent: 10 }],
      [2 * SEC, { percent: 20 }],
      [3 * SEC, { percent: 30 }],
    ]);
    expect(state.etaSeconds).toBe(7);
  });

  it("measures the first report from the start of the attempt", () => {
    // 30% in 10 s is 3%/s; 70% left takes 23.3 s, rounded up.
    expect(play([[10 * SEC, { percent: 30 }]]).etaSeconds).toBe(24);
  });

  it("has no estimate while no time has passed since the start", () => {
    const state = nextProgress(INITIAL_PROGRESS, { percent: 5 }, START, START);
    expect(state.etaSeconds).toBeNull();
  });

  it("gives many small reports the same estimate as a few large ones at a steady rate", () => {
    const many = play(steady(100, 5 * SEC, (ms) => ({ percent: ms / 100 })));
    const few = play(steady(5 * SEC, 5 * SEC, (ms) => ({ percent: ms / 100 })));
    expect(many.percent).toBe(50);
    expect(many.etaSeconds).toBe(few.etaSeconds);
  });

  it("weighs a change of pace by elapsed time, not by the number of reports", () => {
    // 2%/s for 20 s, then 6%/s for 5 s: the rate moves e^(-5/10) of the way back from 6 towards 2.
    const pace = (ms: number) => ({ percent: ms <= 20 * SEC ? ms / 500 : 40 + ((ms - 20 * SEC) * 6) / SEC });
    const many = play(steady(100, 25 * SEC, pace));
    const few = play([
      [20 * SEC, pace(20 * SEC)],
      [25 * SEC, pace(25 * SEC)],
    ]);
    const expectedRate = 6 - 4 * Math.exp(-0.5);
    expect(few.rate).toBeCloseTo(expectedRate, 6);
    expect(many.rate).toBeCloseTo(expectedRate, 3);
    expect(many.etaSeconds).toBe(Math.ceil(30 / expectedRate));
  });

  it("gives a fine-grained 50-per-second reporter the same estimate as one that reports every 5 s", () => {
    // 1,000 of 1,000,000 rows a second is 0.1%/s: after 10 s, 99% is left, about 990 s.
    const rows = (ms: number) => ({ done: ms, total: 1_000_000 });
    const many = play(steady(20, 10 * SEC, rows));
    const few = play(steady(5 * SEC, 10 * SEC, rows));
    expect(few.etaSeconds).toBeGreaterThanOrEqual(990);
    expect(few.etaSeconds).toBeLessThanOrEqual(991);
    expect(many.etaSeconds).toBeGreaterThan(few.etaSeconds! * 0.9);
    expect(many.etaSeconds).toBeLessThan(few.etaSeconds! * 1.1);
  });

  it("keeps the rate when a report does not move forward", () => {
    const before = play([[1 * SEC, { percent: 10 }]]);
    const after = nextProgress(before, { percent: 10, message: "still here" }, START + 2 * SEC, START);
    expect(after.rate).toBe(before.rate);
  });

  it("keeps the previous stage when a report names none", () => {
    const staged = play([[1 * SEC, { percent: 10, stage: "render" }]]);
    expect(nextProgress(staged, { percent: 20 }, START + 2 * SEC, START).stage).toBe("render");
  });

  it("drops the previous message when a report carries none", () => {
    const said = play([[1 * SEC, { percent: 10, message: "row 10" }]]);
    expect(nextProgress(said, { percent: 20 }, START + 2 * SEC, START).message).toBeNull();
  });

  it("keeps done and total as reported", () => {
    expect(play([[1 * SEC, { done: 5, total: 20 }]])).toMatchObject({ percent: 25, done: 5, total: 20 });
  });
});

describe("etaSeconds", () => {
  it("is zero at 100% even without a rate", () => {
    expect(etaSeconds(100, null)).toBe(0);
  });

  it("is unknown without a rate", () => {
    expect(etaSeconds(50, null)).toBeNull();
  });

  it("is unknown at a rate of zero", () => {
    expect(etaSeconds(50, 0)).toBeNull();
  });

  it("rounds up to whole seconds", () => {
    // 50% at 3%/s is 16.7 s.
    expect(etaSeconds(50, 3)).toBe(17);
  });
});

describe("isSameProgress", () => {
  it("treats a new message at the same percent as a change", () => {
    const a = play([[1 * SEC, { percent: 10, message: "a" }]]);
    const b = nextProgress(a, { percent: 10, message: "b" }, START + 2 * SEC, START);
    expect(isSameProgress(a, b)).toBe(false);
  });

  it("ignores the time and ETA of an otherwise equal report", () => {
    const a = play([[1 * SEC, { percent: 10 }]]);
    const b = nextProgress(a, { percent: 10 }, START + 5 * SEC, START);
    expect(isSameProgress(a, b)).toBe(true);
  });
});
