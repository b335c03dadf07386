/**
 * Appending a worker's log lines to its job: only the current attempt of a
 * job still running may log, each line is capped, and the job's rate bucket
 * takes the message whole or refuses it. Pure: it says what to write.
 */
import type { JobState } from "../jobs/job";
import { isTerminal, type JobLogMessage } from "../protocol";
import type { ChannelState, StoredLogLine } from "./channel-store";
import { capLogLine, takeLogLines, toLogLine } from "./log-lines";

export interface LogRefusal {
  status: 409 | 429;
  code: string;
  message: string;
}

export type LogPlan = { ok: true; texts: string[]; state: ChannelState } | { ok: false; refusal: LogRefusal };

export function planLogAppend(job: JobState, state: ChannelState, attempt: number, lines: readonly string[], now: number): LogPlan {
  if (attempt !== job.attempt) {
    return { ok: false, refusal: { status: 409, code: "stale_attempt", message: `this token is for attempt ${attempt}, but the job is on attempt ${job.attempt}` } };
  }
  if (isTerminal(job.status)) {
    const code = job.status === "canceled" ? "job_canceled" : "job_finished";
    return { ok: false, refusal: { status: 409, code, message: `the job is ${job.status}; logs are no longer accepted` } };
  }
  const take = takeLogLines({ tokens: state.logTokens, refilledAt: state.logRefilledAt }, lines.length, now);
  if (!take.ok) {
    return { ok: false, refusal: { status: 429, code: "log_rate_limited", message: `too many log lines; retry in ${take.retryAfterMs} ms` } };
  }
  const texts = lines.map(capLogLine);
  return {
    ok: true,
    texts,
    state: { ...state, logTokens: take.bucket.tokens, logRefilledAt: take.bucket.refilledAt, lastLogSeq: state.lastLogSeq + texts.length },
  };
}

export const logMessage = (jobId: string, lines: readonly StoredLogLine[]): JobLogMessage => ({
  type: "job:log",
  job_id: jobId,
  lines: lines.map(toLogLine),
});
