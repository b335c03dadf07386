/**
 * The one line under a job's progress that says what is going on now. It is
 * about the current attempt only: an earlier attempt's error belongs to that
 * attempt (the attempts table), never to the job's present state.
 */
import type { Job } from "@export-tracker/protocol";
import { formatDuration } from "./format";

export interface JobNotice {
  tone: "info" | "warn" | "bad";
  text: string;
}

/** Backoffs shorter than this are not counted down (a retry by hand is due at once). */
const COUNTDOWN_MIN_MS = 1000;

export function currentNotice(job: Job, now: number): JobNotice | null {
  switch (job.status) {
    case "queued": {
      // A backoff is told from a retry by hand on the server's own clock (retry_at against the
      // update that set it), so a browser clock that is off cannot show a countdown for "now".
      const backoff = job.retry_at === null ? 0 : Date.parse(job.retry_at) - Date.parse(job.updated_at);
      const wait = job.retry_at === null ? 0 : Date.parse(job.retry_at) - now;
      return backoff >= COUNTDOWN_MIN_MS && wait >= COUNTDOWN_MIN_MS
        ? { tone: "info", text: `Attempt ${job.attempt} of ${job.max_attempts} starts in ${formatDuration(wait / 1000)} (retry backoff).` }
        : { tone: "info", text: `Attempt ${job.attempt} of ${job.max_attempts} is waiting for a worker.` };
    }
    case "running":
      return job.stalled_since
        ? { tone: "warn", text: `No word from the worker since ${new Date(job.stalled_since).toLocaleTimeString()}; the attempt is given up after ${job.heartbeat_timeout_seconds} s of silence.` }
        : null;
    case "failed":
      return job.error && job.error.attempt === job.attempt
        ? { tone: "bad", text: `Attempt ${job.attempt} failed: ${job.error.message}` }
        : { tone: "bad", text: "Failed." };
    default:
      return null;
  }
}
