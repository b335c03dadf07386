/**
 * What a job streams beside its state: log lines (a bounded ring with its own
 * cursor) and the newest preview frame. They never touch the job's state or
 * its event log, so they live here, on the object's storage and sockets,
 * rather than in the object itself.
 */
import type { Config } from "../config";
import type { StoredJob } from "../jobs/job-store";
import { brief, NOT_FOUND, type CallbackOutcome } from "../jobs/outcomes";
import type { JobSocketMessage, LogPage } from "../protocol";
import type { ChannelStore, StoredPreview } from "./channel-store";
import { logMessage, planLogAppend } from "./job-logs";
import { toLogLine } from "./log-lines";
import { previewMessage } from "./preview";
import { BROWSER_TAG, LOGS_TAG } from "./worker-socket";

/** Log lines sent to a browser socket on connect, at most. */
export const LOG_CATCH_UP_LINES = 500;

export interface Answered {
  /** Runs inside the append's transaction (the channel remembers the report id). */
  alsoWrite?(seq: number): void;
  /** Told once the append is committed, before browsers are. */
  answer(outcome: CallbackOutcome): void;
}

export class JobStreams {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly channel: ChannelStore,
  ) {}

  /** Appends log lines of `attempt`; refused for another attempt, a finished job, or past the rate. */
  appendLog(stored: StoredJob | null, attempt: number, lines: readonly string[], options: Answered): void {
    if (!stored) return options.answer({ ok: false, refusal: NOT_FOUND, job: null });
    const state = this.channel.read();
    const now = Date.now();
    const plan = planLogAppend(stored.job, state, attempt, lines, now);
    if (!plan.ok) return options.answer({ ok: false, refusal: plan.refusal, job: brief(stored) });
    const appended = this.ctx.storage.transactionSync(() => {
      const rows = this.channel.appendLog(state.lastLogSeq, plan.texts, now);
      this.channel.write(plan.state);
      options.alsoWrite?.(stored.seq);
      return rows;
    });
    options.answer({ ok: true, job: brief(stored) });
    this.sendAll(LOGS_TAG, logMessage(stored.job.id, appended));
  }

  /** A page of the log ring, oldest first. */
  logPage(since: number, limit: number): LogPage {
    const rows = this.channel.logSince(since, limit + 1);
    const page = rows.slice(0, limit);
    return { lines: page.map(toLogLine), next_since: rows.length > limit ? page.at(-1)!.logSeq : null };
  }

  /** Records the newest preview frame (already in R2) and shows it to every browser. */
  async setPreview(stored: StoredJob | null, attempt: number, preview: StoredPreview, config: Config): Promise<CallbackOutcome> {
    if (!stored) return { ok: false, refusal: NOT_FOUND, job: null };
    const state = this.channel.read();
    // The same rule as log lines: the current attempt of a job still running.
    const check = planLogAppend(stored.job, state, attempt, [], Date.now());
    if (!check.ok) return { ok: false, refusal: check.refusal, job: brief(stored) };
    this.channel.write({ ...state, preview });
    this.sendAll(BROWSER_TAG, await previewMessage(stored.job, preview, config, Date.now()));
    return { ok: true, job: brief(stored) };
  }

  preview(): StoredPreview | null {
    return this.channel.read().preview;
  }

  /** On a browser's connect: the newest preview, and with `?logs=1` the lines after `logsSince` (NaN: the tail). */
  async onConnect(ws: WebSocket, stored: StoredJob, logsSince: number | null, config: Config): Promise<void> {
    const { preview } = this.channel.read();
    if (preview) send(ws, await previewMessage(stored.job, preview, config, Date.now()));
    if (logsSince === null) return;
    const lines = Number.isInteger(logsSince)
      ? this.channel.logSince(logsSince, LOG_CATCH_UP_LINES)
      : this.channel.logTail(LOG_CATCH_UP_LINES);
    if (lines.length > 0) send(ws, logMessage(stored.job.id, lines));
  }

  private sendAll(tag: string, message: JobSocketMessage): void {
    const frame = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets(tag)) sendFrame(ws, frame);
  }
}

const send = (ws: WebSocket, message: JobSocketMessage) => sendFrame(ws, JSON.stringify(message));

function sendFrame(ws: WebSocket, frame: string): void {
  try {
    ws.send(frame);
  } catch {
    // getWebSockets() can include sockets that are closing.
  }
}
