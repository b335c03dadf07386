/**
 * The log lines a page keeps of a job: folded from `job:log` messages by
 * their `log_seq` (a repeat after a resume is dropped), at most `limit` of
 * the newest. Pure, so the fold is tested apart from the socket.
 */
import type { LogLine } from "@export-tracker/protocol";

export const LOG_TAIL_LIMIT = 500;

/** Adds `lines` to `tail` in log_seq order; returns `tail` itself when nothing is new. */
export function appendLogTail(tail: readonly LogLine[], lines: readonly LogLine[], limit = LOG_TAIL_LIMIT): readonly LogLine[] {
  const last = tail.at(-1)?.log_seq ?? 0;
  const fresh = lines.filter((l) => l.log_seq > last).sort((a, b) => a.log_seq - b.log_seq);
  if (fresh.length === 0) return tail;
  const next = [...tail, ...fresh];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** The `logs_since` to resume from: the newest log_seq held, or null for the tail. */
export const logResumeSeq = (tail: readonly LogLine[]): number | null => tail.at(-1)?.log_seq ?? null;
