/**
 * What the job page shows of a job's event log: the timeline (runs of
 * progress reports folded into one line) and each attempt with its own
 * outcome, so an old attempt's error stays that attempt's. Pure functions.
 */
import type { Job, JobEvent } from "@export-tracker/protocol";
import { formatBytes, formatPercent } from "./format";

export type Tone = "neutral" | "good" | "bad" | "warn";

export interface TimelineEntry {
  /** The seq of the entry's (last) event: a stable key. */
  seq: number;
  at: string;
  type: JobEvent["type"];
  title: string;
  detail: string | null;
  attempt: number;
  tone: Tone;
  /** Progress reports folded into this entry (1 for other events). */
  count: number;
}

const percent = (e: JobEvent) => formatPercent(e.job.progress.percent);

function describe(event: JobEvent): Pick<TimelineEntry, "title" | "detail" | "tone" | "attempt"> {
  const attempt = event.job.attempt;
  switch (event.type) {
    case "job:created":
      return { title: "Created", detail: `${event.job.kind}, up to ${event.job.max_attempts} attempts`, tone: "neutral", attempt };
    case "job:started":
      return {
        title: "Started",
        detail: `attempt ${attempt} of ${event.job.max_attempts}${event.job.worker ? ` on ${event.job.worker}` : ""}`,
        tone: "neutral",
        attempt,
      };
    case "job:progress":
      return { title: `Progress ${percent(event)}`, detail: progressDetail(event.job), tone: "neutral", attempt };
    case "job:stalled":
      return { title: "Stalled", detail: `no word from the worker for ${event.silent_seconds} s`, tone: "warn", attempt };
    case "job:recovered":
      return { title: "Recovered", detail: "the worker spoke again", tone: "neutral", attempt };
    case "job:output": {
      const out = event.job.output;
      return { title: "Output uploaded", detail: out && `${out.filename} · ${formatBytes(out.size)} · ${out.content_type}`, tone: "neutral", attempt };
    }
    case "job:requeued":
      // The event's job is already on the new attempt; the reason is about the one before.
      return { title: `Requeued as attempt ${attempt}`, detail: event.reason, tone: "warn", attempt: attempt - 1 };
    case "job:completed":
      return { title: "Completed", detail: event.job.output ? event.job.output.filename : null, tone: "good", attempt };
    case "job:failed":
      return { title: "Failed", detail: event.job.error?.message ?? null, tone: "bad", attempt };
    case "job:canceled":
      return { title: "Canceled", detail: event.reason ?? "no reason given", tone: "warn", attempt };
    case "job:callback_refused":
      return {
        title: "Callback refused",
        detail: `${event.callback}: ${event.status} ${event.code}, ${event.message}`,
        tone: "bad",
        attempt: event.attempt ?? attempt,
      };
  }
}

function progressDetail(job: Job): string | null {
  const parts = [job.progress.stage, job.progress.message].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : null;
}

/** The timeline, oldest first: consecutive progress reports of one attempt become one entry. */
export function timelineOf(events: readonly JobEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let runStart: JobEvent | null = null;
  for (const event of events) {
    const last = entries.at(-1);
    const entry = { seq: event.seq, at: event.at, type: event.type, count: 1, ...describe(event) };
    if (event.type === "job:progress" && last?.type === "job:progress" && last.attempt === entry.attempt && runStart) {
      entries[entries.length - 1] = {
        ...entry,
        at: last.at,
        title: `Progress ${percent(runStart)} → ${percent(event)}`,
        count: last.count + 1,
      };
      continue;
    }
    runStart = event.type === "job:progress" ? event : null;
    entries.push(entry);
  }
  return entries;
}

export type AttemptOutcome = "queued" | "running" | "completed" | "failed" | "canceled" | "given up";

export interface AttemptRecord {
  attempt: number;
  queuedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  outcome: AttemptOutcome;
  /** Why it ended, when it did not complete. */
  reason: string | null;
  stalled: boolean;
}

/** Each attempt the log knows of, oldest first, with its own outcome. */
export function attemptsOf(events: readonly JobEvent[]): AttemptRecord[] {
  const byNumber = new Map<number, AttemptRecord>();
  const get = (attempt: number, at: string | null = null) => {
    let record = byNumber.get(attempt);
    if (!record) {
      record = { attempt, queuedAt: at, startedAt: null, endedAt: null, outcome: "queued", reason: null, stalled: false };
      byNumber.set(attempt, record);
    }
    return record;
  };
  const end = (record: AttemptRecord, outcome: AttemptOutcome, at: string, reason: string | null) => {
    if (record.endedAt !== null) return;
    Object.assign(record, { outcome, endedAt: at, reason });
  };
  for (const event of events) {
    const record = get(event.job.attempt, event.at);
    switch (event.type) {
      case "job:started":
        record.startedAt ??= event.at;
        record.outcome = "running";
        break;
      case "job:stalled":
        record.stalled = true;
        break;
      case "job:completed":
        end(record, "completed", event.at, null);
        break;
      case "job:failed":
        end(record, "failed", event.at, event.job.error?.message ?? null);
        break;
      case "job:canceled":
        end(record, "canceled", event.at, event.reason);
        break;
      case "job:requeued":
        // A retry by hand follows an attempt that already ended (failed or canceled).
        end(get(event.job.attempt - 1), "given up", event.at, event.reason);
        break;
    }
  }
  return [...byNumber.values()].sort((a, b) => a.attempt - b.attempt);
}

/** When the job first started, across attempts (the job itself keeps only the current attempt's start). */
export function firstStartedAt(events: readonly JobEvent[], job: Job): string | null {
  return events.find((e) => e.type === "job:started")?.at ?? job.started_at;
}
