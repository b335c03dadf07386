import { describe, expect, it } from "vitest";
import {
  coalesceProgress,
  flushAt,
  flushHeldProgress,
  INITIAL_COALESCE,
  PROGRESS_EVENT_INTERVAL_MS,
  type CoalesceState,
} from "../../workers/channel/progress-coalescing";
import type { EventDraft } from "../../workers/jobs/transition";
import { CHANNEL_LIMITS } from "../../workers/protocol";

const progress: EventDraft[] = [{ type: "job:progress" }];

/** Plays reports (time, drafts) through the rule, firing the alarm when it asks; returns what was published when. */
function play(reports: { at: number; drafts: EventDraft[] }[], until: number) {
  let state: CoalesceState = INITIAL_COALESCE;
  const published: { at: number; type: string; afterReport: number }[] = [];
  let lastReport = -1;
  const fireAlarmsBefore = (t: number) => {
    for (let due = flushAt(state); due !== null && due <= t; due = flushAt(state)) {
      const d = flushHeldProgress(state, due);
      state = d.state;
      for (const e of d.drafts) published.push({ at: due, type: e.type, afterReport: lastReport });
    }
  };
  reports.forEach((r, i) => {
    fireAlarmsBefore(r.at);
    const d = coalesceProgress(state, r.drafts, r.at);
    state = d.state;
    lastReport = i;
    for (const e of d.drafts) published.push({ at: r.at, type: e.type, afterReport: i });
  });
  fireAlarmsBefore(until);
  return { published, state };
}

describe("progress coalescing for browsers", () => {
  it("publishes the first progress at once", () => {
    expect(coalesceProgress(INITIAL_COALESCE, progress, 1000).drafts).toEqual(progress);
  });

  it("turns a thousand reports in one second into at most about thirty broadcasts", () => {
    const reports = Array.from({ length: 1000 }, (_, i) => ({ at: i, drafts: progress }));
    const { published } = play(reports, 5000);
    expect(published.length).toBeLessThanOrEqual(CHANNEL_LIMITS.progressEventsPerSecond + 1);
    expect(published.length).toBeGreaterThan(CHANNEL_LIMITS.progressEventsPerSecond / 2);
    for (let i = 1; i < published.length; i++) {
      expect(published[i]!.at - published[i - 1]!.at).toBeGreaterThanOrEqual(PROGRESS_EVENT_INTERVAL_MS);
    }
  });

  it("publishes the final state: the last broadcast comes after the last report", () => {
    const reports = Array.from({ length: 200 }, (_, i) => ({ at: i * 3, drafts: progress }));
    const { published, state } = play(reports, 5000);
    expect(published.at(-1)!.afterReport).toBe(199);
    expect(state.heldSince).toBeNull();
    expect(flushAt(state)).toBeNull();
  });

  it("never delays or merges a status event", () => {
    let state = coalesceProgress(INITIAL_COALESCE, progress, 0).state;
    state = coalesceProgress(state, progress, 1).state; // held back
    const completed: EventDraft[] = [{ type: "job:completed" }];
    const d = coalesceProgress(state, completed, 2);
    expect(d.drafts).toEqual(completed);
    expect(d.state.heldSince).toBeNull();
    const started: EventDraft[] = [{ type: "job:started" }, { type: "job:progress" }];
    expect(coalesceProgress(d.state, started, 3).drafts).toEqual(started);
  });

  it("flushes a held progress on the next report after the interval, even a heartbeat", () => {
    let state = coalesceProgress(INITIAL_COALESCE, progress, 0).state;
    state = coalesceProgress(state, progress, 5).state;
    expect(coalesceProgress(state, [], 10).drafts).toEqual([]);
    expect(coalesceProgress(state, [], PROGRESS_EVENT_INTERVAL_MS).drafts).toEqual(progress);
  });

  it("asks the alarm for the end of the interval while something is held", () => {
    const state = coalesceProgress(coalesceProgress(INITIAL_COALESCE, progress, 100).state, progress, 110).state;
    expect(flushAt(state)).toBe(100 + PROGRESS_EVENT_INTERVAL_MS);
    expect(flushHeldProgress(state, 105).drafts).toEqual([]);
    expect(flushHeldProgress(state, 100 + PROGRESS_EVENT_INTERVAL_MS).drafts).toEqual(progress);
  });
});
