/**
 * Log lines from a worker: each cut to CHANNEL_LIMITS.maxLogLineBytes, and a
 * per-job rate of lines as a token bucket (a message is taken whole or refused).
 * Pure; the object keeps the bucket in its channel state.
 */
import { CHANNEL_LIMITS, type LogLine } from "../protocol";
import type { StoredLogLine } from "./channel-store";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A line as stored: at most maxLogLineBytes of UTF-8 (cut on a character boundary), no trailing newline. */
export function capLogLine(text: string): string {
  const line = text.replace(/\r?\n$/, "");
  const bytes = encoder.encode(line);
  if (bytes.byteLength <= CHANNEL_LIMITS.maxLogLineBytes) return line;
  // A cut in the middle of a character decodes to U+FFFD; drop it.
  return decoder.decode(bytes.subarray(0, CHANNEL_LIMITS.maxLogLineBytes - 3)).replace(/\uFFFD$/, "") + "…";
}

export interface LogBucket {
  tokens: number;
  refilledAt: number | null;
}

export type LogTake = { ok: true; bucket: LogBucket } | { ok: false; retryAfterMs: number };

/** Takes `lines` tokens at `now`, or refuses the whole message. */
export function takeLogLines(bucket: LogBucket, lines: number, now: number): LogTake {
  const { logLinesPerSecond: rate, logBurstLines: burst } = CHANNEL_LIMITS;
  const elapsed = bucket.refilledAt === null ? 0 : Math.max(0, now - bucket.refilledAt) / 1000;
  const tokens = Math.min(burst, bucket.tokens + elapsed * rate);
  if (tokens >= lines) return { ok: true, bucket: { tokens: tokens - lines, refilledAt: now } };
  return { ok: false, retryAfterMs: Math.ceil(((lines - tokens) / rate) * 1000) };
}

export const toLogLine = (l: StoredLogLine): LogLine => ({ log_seq: l.logSeq, at: new Date(l.at).toISOString(), text: l.text });
