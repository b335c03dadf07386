import { describe, expect, it } from "vitest";
import {
  coalesceProgress,
  flushAt,
  flushHeldProgress,
  INITIAL_COALESCE,
  progressIntervalMs,
  type CoalesceState,
} from "../../workers/channel/progress-coalescing";
import type { EventDraft } from "../../workers/jobs/transition";

const PER_SECOND = 30;
const INTERVAL = progressIntervalMs(PER_SECOND);
const progress: EventDraft[] = [{ type: "job:progress" }];

/** Plays reports (time, drafts) through the rule, firing the alarm when it asks; returns what was published when. */
function play(reports: { at: number; drafts: EventDraft[] }[], until: number, interval = INTERVAL) {
  let state: CoalesceState = INITIAL_COALESCE;
  const published: { at: number; type: string; afterReport: number }[] = [];
  let lastReport = -1;
  const fireAlarmsBefore = (t: number) => {
    for (let due = flushAt(state, interval); due !== null && due <= t; due = flushAt(state, interval)) {
      const d = flushHeldProgress(state, due, interval);
      state = d.state;
      for (const e of d.drafts) published.push({ at: due, type: e.type, afterReport: lastReport });
    }
  };
  reports.forEach((r, i) => {
    fireAlarmsBefore(r.at);
    const d = coalesceProgress(state, r.drafts, r.at, interval);
    state = d.state;
    lastReport = i;
    for (const e of d.drafts) published.push({ at: r.at, type: e.type, afterReport: i });
  });
  fireAlarmsBefore(until);
  return { published, state };
}

describe("progress coalescing for browsers", () => {
  it("publishes the first progress at once", () => {
    expect(coalesceProgress(INITIAL_COALESCE, progress, 1000, INTERVAL).drafts).toEqual(progress);
  });

  it("turns a thousand reports in one second into at most about thirty broadcasts", () => {
    const reports = Array.from({ length: 1000 }, (_, i) => ({ at: i, drafts: progress }));
    const { published } = play(reports, 5000);
    expect(published.length).toBeLessThanOrEqual(PER_SECOND + 1);
    expect(published.length).toBeGreaterThan(PER_SECOND / 2);
    for (let i = 1; i < published.length; i++) {
      expect(published[i]!.at - published[i - 1]!.at).toBeGreaterThanOrEqual(INTERVAL);
    }
  });

  it("publishes the final state: the last broadcast comes after the last report", () => {
    const reports = Array.from({ length: 200 }, (_, i) => ({ at: i * 3, drafts: progress }));
    const { published, state } = play(reports, 5000);
    expect(published.at(-1)!.afterReport).toBe(199);
    expect(state.heldSince).toBeNull();
    expect(flushAt(state, INTERVAL)).toBeNull();
  });

  it("never delays or merges a status event", () => {
    let state = coalesceProgress(INITIAL_COALESCE, progress, 0, INTERVAL).state;
    state = coalesceProgress(state, progress, 1, INTERVAL).state; // held back
    const completed: EventDraft[] = [{ type: "job:completed" }];
    const d = coalesceProgress(state, completed, 2, INTERVAL);
    expect(d.drafts).toEqual(completed);
    expect(d.state.heldSince).toBeNull();
    const started: EventDraft[] = [{ type: "job:started" }, { type: "job:progress" }];
    expect(coalesceProgress(d.state, started, 3, INTERVAL).drafts).toEqual(started);
  });

  it("flushes a held progress on the next report after the interval, even a heartbeat", () => {
    let state = coalesceProgress(INITIAL_COALESCE, progress, 0, INTERVAL).state;
    state = coalesceProgress(state, progress, 5, INTERVAL).state;
    expect(coalesceProgress(state, [], 10, INTERVAL).drafts).toEqual([]);
    expect(coalesceProgress(state, [], INTERVAL, INTERVAL).drafts).toEqual(progress);
  });

  it("asks the alarm for the end of the interval while something is held", () => {
    const state = coalesceProgress(coalesceProgress(INITIAL_COALESCE, progress, 100, INTERVAL).state, progress, 110, INTERVAL).state;
    expect(flushAt(state, INTERVAL)).toBe(100 + INTERVAL);
    expect(flushHeldProgress(state, 105, INTERVAL).drafts).toEqual([]);
    expect(flushHeldProgress(state, 100 + INTERVAL, INTERVAL).drafts).toEqual(progress);
  });

  it("turns the rate into an interval, and 0 into no cap", () => {
    expect(progressIntervalMs(30)).toBe(34);
    expect(progressIntervalMs(1)).toBe(1000);
    expect(progressIntervalMs(0)).toBe(0);
  });

  it("follows a slower rate given as the interval", () => {
    const reports = Array.from({ length: 1000 }, (_, i) => ({ at: i, drafts: progress }));
    const { published } = play(reports, 5000, progressIntervalMs(5));
    expect(published.length).toBeLessThanOrEqual(6);
    expect(published.at(-1)!.afterReport).toBe(999);
  });

  it("publishes every report with the cap off, and writes no state for it", () => {
    const d = coalesceProgress(INITIAL_COALESCE, progress, 0, 0);
    expect(d.drafts).toEqual(progress);
    expect(d.state).toBe(INITIAL_COALESCE);
    const reports = Array.from({ length: 100 }, (_, i) => ({ at: i, drafts: progress }));
    expect(play(reports, 5000, 0).published).toHaveLength(100);
  });

  it("publishes a progress held under a cap with the next update once the cap is off", () => {
    const held = coalesceProgress(coalesceProgress(INITIAL_COALESCE, progress, 0, INTERVAL).state, progress, 1, INTERVAL).state;
    expect(held.heldSince).not.toBeNull();
    const d = coalesceProgress(held, [], 2, 0);
    expect(d.drafts).toEqual(progress);
    expect(d.state.heldSince).toBeNull();
  });
});
