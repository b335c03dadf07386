/**
 * The after-commit retry rule: urgent asks at once, coalesced asks per
 * interval, a lease for a run under way, and a capped exponential backoff.
 */
import { describe, expect, it } from "vitest";
import {
  ask,
  failed,
  idleEffect,
  isDue,
  retryDelayMs,
  RUN_LEASE_MS,
  started,
  succeeded,
  wakeAt,
  type EffectRow,
} from "../../workers/effects/effect-schedule";

const SEC = 1000;
const NOW = Date.UTC(2030, 0, 1);
const INTERVAL = SEC;

/** Last ran 200 ms ago, landed, nothing asked since. */
const recent: EffectRow = { ...idleEffect("d1-mirror"), lastStartedAt: NOW - 200 };

/** `n` consecutive failures, each at NOW. */
const failedTimes = (n: number) => Array.from({ length: n }).reduce<EffectRow>((r) => failed(r, NOW), recent);

describe("ask", () => {
  it("runs a first coalesced ask at once", () => {
    expect(isDue(ask(idleEffect("x"), "coalesce", NOW, INTERVAL), NOW)).toBe(true);
  });

  it("runs an urgent ask at once even right after a run", () => {
    expect(isDue(ask(recent, "now", NOW, INTERVAL), NOW)).toBe(true);
  });

  it("defers a coalesced ask to one interval after the last run started", () => {
    const row = ask(recent, "coalesce", NOW, INTERVAL);
    expect(isDue(row, NOW)).toBe(false);
    expect(row.dueAt).toBe(recent.lastStartedAt! + INTERVAL);
  });

  it("keeps the earlier due time when asked again", () => {
    const urgent = ask(recent, "now", NOW, INTERVAL);
    expect(ask(urgent, "coalesce", NOW + 10, INTERVAL).dueAt).toBe(NOW);
  });

  it("returns the same row when an ask changes nothing, so the commit writes no row", () => {
    const deferred = ask(recent, "coalesce", NOW, INTERVAL);
    expect(ask(deferred, "coalesce", NOW + 10, INTERVAL)).toBe(deferred);
  });

  it("holds back even an urgent ask until a failing effect's retry time", () => {
    const failing = failed(recent, NOW);
    const asked = ask(failing, "now", NOW + 10, INTERVAL);
    expect(isDue(asked, failing.dueAt! - 1)).toBe(false);
    expect(isDue(asked, failing.dueAt!)).toBe(true);
  });
});

describe("runs", () => {
  it("takes a lease: not due again while it runs, due again once the lease lapses", () => {
    const running = started(ask(recent, "now", NOW, INTERVAL), NOW);
    expect(isDue(running, NOW + 1)).toBe(false);
    expect(wakeAt(running)).toBe(NOW + RUN_LEASE_MS);
    expect(isDue(running, NOW + RUN_LEASE_MS)).toBe(true);
  });

  it("starts the coalescing interval when a run starts", () => {
    expect(started(recent, NOW).lastStartedAt).toBe(NOW);
  });

  it("is idle after a run that landed with no ask since", () => {
    const done = succeeded(started(ask(recent, "now", NOW, INTERVAL), NOW));
    expect(wakeAt(done)).toBeNull();
    expect(done.failures).toBe(0);
  });

  it("keeps an ask made while a run was under way", () => {
    const running = started(ask(recent, "now", NOW, INTERVAL), NOW);
    const askedMeanwhile = ask(running, "now", NOW + 5, INTERVAL);
    expect(isDue(succeeded(askedMeanwhile), NOW + 6)).toBe(true);
  });

  it("coalesces asks made while a run was under way to one interval after it started", () => {
    const running = started(ask(recent, "now", NOW, INTERVAL), NOW);
    const done = succeeded(ask(running, "coalesce", NOW + 5, INTERVAL));
    expect(done.dueAt).toBe(NOW + INTERVAL);
  });

  it("retries a failed run after the backoff, even with no new ask", () => {
    const row = failed(started(ask(recent, "now", NOW, INTERVAL), NOW), NOW);
    expect(row).toMatchObject({ failures: 1, leaseUntil: null, dueAt: NOW + SEC });
  });

  it("clears the failures on success", () => {
    expect(succeeded(started(failedTimes(3), NOW)).failures).toBe(0);
  });
});

describe("retryDelayMs", () => {
  it("backs off 1 s, 2 s, 4 s after consecutive failures", () => {
    expect([1, 2, 3].map((n) => failedTimes(n).dueAt! - NOW)).toEqual([1 * SEC, 2 * SEC, 4 * SEC]);
  });

  it("never backs off longer than a minute", () => {
    // The seventh failure would wait 2^6 = 64 s.
    expect(retryDelayMs(7)).toBe(60 * SEC);
  });
  it("remembers the newest seq a successful run covered, never going back", () => {
    const done = succeeded(started(recent, NOW), 7);
    expect(done.doneSeq).toBe(7);
    expect(succeeded(started(done, NOW + 1), 5).doneSeq).toBe(7);
    expect(succeeded(started(done, NOW + 2)).doneSeq).toBe(7);
  });
});
