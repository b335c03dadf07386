/**
 * When the object writes its job to the D1 mirror. Status changes go out at
 * once; progress is coalesced to one write per interval, and the alarm sends
 * the last value. A failed write is retried with backoff until it lands.
 */

export interface MirrorState {
  /** The newest job version (event seq) D1 is known to hold. */
  writtenVersion: number;
  /** When the last write was started; the coalescing interval runs from here. */
  lastWriteAt: number | null;
  /** Consecutive failed writes. */
  failures: number;
  /** While D1 is failing: not before this time. */
  retryAt: number | null;
}

export const INITIAL_MIRROR: MirrorState = { writtenVersion: 0, lastWriteAt: null, failures: 0, retryAt: null };

const MAX_RETRY_MS = 60_000;

/** Whether to write `version` now; if not, `mirrorDueAt` says when. */
export function shouldWriteNow(
  mirror: MirrorState,
  version: number,
  urgent: boolean,
  now: number,
  intervalMs: number,
): boolean {
  if (version <= mirror.writtenVersion) return false;
  if (mirror.retryAt !== null) return now >= mirror.retryAt;
  if (urgent || mirror.lastWriteAt === null) return true;
  return now - mirror.lastWriteAt >= intervalMs;
}

/** When a write of `version` that was not sent at once falls due, or null if D1 is current. */
export function mirrorDueAt(mirror: MirrorState, version: number, intervalMs: number): number | null {
  if (version <= mirror.writtenVersion) return null;
  if (mirror.retryAt !== null) return mirror.retryAt;
  return (mirror.lastWriteAt ?? 0) + intervalMs;
}

export function writeStarted(mirror: MirrorState, now: number): MirrorState {
  return { ...mirror, lastWriteAt: now };
}

export function writeSucceeded(mirror: MirrorState, version: number): MirrorState {
  return { ...mirror, writtenVersion: Math.max(mirror.writtenVersion, version), failures: 0, retryAt: null };
}

/** Backs off 1 s, 2 s, 4 s... up to a minute between retries of a failing D1. */
export function writeFailed(mirror: MirrorState, now: number): MirrorState {
  const failures = mirror.failures + 1;
  return { ...mirror, failures, retryAt: now + Math.min(MAX_RETRY_MS, 1000 * 2 ** (failures - 1)) };
}
