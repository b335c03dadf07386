/**
 * The D1 mirror's write policy: urgent changes at once, progress coalesced
 * per interval, and a failing D1 retried with a capped exponential backoff.
 */
import { describe, expect, it } from "vitest";
import {
  INITIAL_MIRROR,
  mirrorDueAt,
  shouldWriteNow,
  writeFailed,
  writeStarted,
  writeSucceeded,
  type MirrorState,
} from "../../workers/jobs/mirror-policy";

const SEC = 1000;
const NOW = Date.UTC(2030, 0, 1);
const INTERVAL = SEC;

/** D1 holds version 3, written 200 ms ago. */
const recent: MirrorState = { writtenVersion: 3, lastWriteAt: NOW - 200, failures: 0, retryAt: null };

/** `n` consecutive failures, each at NOW. */
const failedTimes = (n: number) =>
  Array.from({ length: n }).reduce<MirrorState>((m) => writeFailed(m, NOW), recent);

describe("shouldWriteNow", () => {
  it("writes the first version at once", () => {
    expect(shouldWriteNow(INITIAL_MIRROR, 1, false, NOW, INTERVAL)).toBe(true);
  });

  it("writes an urgent change at once even right after a write", () => {
    expect(shouldWriteNow(recent, 4, true, NOW, INTERVAL)).toBe(true);
  });

  it("defers progress that comes within the interval of the last write", () => {
    expect(shouldWriteNow(recent, 4, false, NOW, INTERVAL)).toBe(false);
  });

  it("writes progress once the interval since the last write has passed", () => {
    expect(shouldWriteNow(recent, 4, false, recent.lastWriteAt! + INTERVAL, INTERVAL)).toBe(true);
  });

  it("has nothing to write when D1 already holds the version", () => {
    expect(shouldWriteNow(recent, 3, true, NOW, INTERVAL)).toBe(false);
  });

  it("has nothing to write for a version older than the one D1 holds", () => {
    expect(shouldWriteNow(recent, 2, true, NOW + 10 * SEC, INTERVAL)).toBe(false);
  });

  it("holds back even an urgent write until a failing D1's retry time", () => {
    const failing = writeFailed(recent, NOW);
    expect(shouldWriteNow(failing, 4, true, failing.retryAt! - 1, INTERVAL)).toBe(false);
  });

  it("writes again at a failing D1's retry time", () => {
    const failing = writeFailed(recent, NOW);
    expect(shouldWriteNow(failing, 4, false, failing.retryAt!, INTERVAL)).toBe(true);
  });
});

describe("mirrorDueAt", () => {
  it("defers a coalesced write to one interval after the last write", () => {
    expect(mirrorDueAt(recent, 4, INTERVAL)).toBe(recent.lastWriteAt! + INTERVAL);
  });

  it("is unset when D1 is current", () => {
    expect(mirrorDueAt(recent, 3, INTERVAL)).toBeNull();
  });

  it("is the retry time while D1 is failing", () => {
    expect(mirrorDueAt(writeFailed(recent, NOW), 4, INTERVAL)).toBe(NOW + SEC);
  });
});

describe("write bookkeeping", () => {
  it("starts the coalescing interval when a write starts", () => {
    expect(writeStarted(recent, NOW).lastWriteAt).toBe(NOW);
  });

  it("backs off 1 s, 2 s, 4 s after consecutive failures", () => {
    expect([1, 2, 3].map((n) => failedTimes(n).retryAt! - NOW)).toEqual([1 * SEC, 2 * SEC, 4 * SEC]);
  });

  it("never backs off longer than a minute", () => {
    // The seventh failure would wait 2^6 = 64 s.
    expect(failedTimes(7).retryAt).toBe(NOW + 60 * SEC);
  });

  it("clears the failures and the retry time on success", () => {
    expect(writeSucceeded(failedTimes(3), 4)).toMatchObject({ writtenVersion: 4, failures: 0, retryAt: null });
  });

  it("never lowers the written version when an older write succeeds late", () => {
    expect(writeSucceeded({ ...recent, writtenVersion: 5 }, 4).writtenVersion).toBe(5);
  });
});
