/**
 * ExportJobState: the Durable Object that is the authority on one job.
 *
 * A thin shell: `transition` decides; JobStore commits the job, its events and
 * the after-commit effects they ask for in one transaction (and keeps the
 * state in memory, so an update reads nothing back); BrowserSockets sends each
 * event's stored text to every browser (browser-sockets.ts) and the channel
 * tells the worker's socket (workers/channel/); the object answers; the effects
 * (D1 mirror, owner feed, dispatch, webhooks, batch) run after the answer and
 * are retried from the one alarm.
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig, type Config } from "../config";
import { AfterCommit } from "../effects/after-commit";
import { AFTER_COMMIT_EFFECTS } from "../effects/registry";
import { answerClose } from "../http/socket-close";
import { log } from "../log";
import type { CallbackName, EventLogResponse, LogPage } from "../protocol";
import { ChannelStore, type StoredPreview } from "../channel/channel-store";
import { JobStreams } from "../channel/job-streams";
import { coalesceProgress, flushAt } from "../channel/progress-coalescing";
import { handleWorkerFrame, type ChannelHost } from "../channel/worker-messages";
import { acceptWorkerSocket, workerAttachment } from "../channel/worker-socket";
import { BrowserSockets, sendFrame } from "./browser-sockets";
import { readEventLogPage } from "./event-log-page";
import { createJobState, type JobState, type NewJob } from "./job";
import {
  brief,
  NOT_FOUND,
  type ApplyOutcome,
  type CallbackOutcome,
  type CreateOutcome,
  type JobBrief,
  type RefusedCallback,
} from "./outcomes";
import { JobStore, type StoredEvent } from "./job-store";
import { nextRetentionAt } from "./retention";
import { applyRetention } from "./retention-sweep";
import { nextJobDeadline } from "./timers";
import { transition, type EventDraft, type JobCommand, type WorkerCommand } from "./transition";

/** Set by the channel route (workers/routes/worker-channel.ts) on a verified worker upgrade: the token's attempt. */
export const WORKER_ATTEMPT_HEADER = "x-channel-attempt";

export class ExportJobState extends DurableObject<Env> {
  private readonly store: JobStore;
  private readonly afterCommit: AfterCommit;
  /** The worker channel's storage: applied report ids, progress coalescing, logs, the preview. */
  private readonly channel: ChannelStore;
  private readonly streams: JobStreams;
  private readonly sockets: BrowserSockets;
  /** The alarm as last set by this instance; undefined until read from storage (the authority) once. */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new JobStore(ctx.storage);
    this.afterCommit = new AfterCommit(this.store, AFTER_COMMIT_EFFECTS);
    this.channel = new ChannelStore(ctx.storage);
    this.streams = new JobStreams(ctx, this.channel);
    this.sockets = new BrowserSockets(ctx, this.store, () => this.config);
    // Keep-alives are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  private get config(): Config {
    return readConfig(this.env);
  }

  /** Creates the job; a repeat of the same request (Idempotency-Key) returns the existing one. */
  async create(spec: NewJob, requestFingerprint: string): Promise<CreateOutcome> {
    const existing = this.store.load();
    if (existing) {
      if (existing.job.owner === spec.owner && existing.requestFingerprint === requestFingerprint) {
        return { ok: true, job: existing.job, replayed: true };
      }
      return {
        ok: false,
        refusal: {
          status: 409,
          code: "idempotency_key_reused",
          message: "this Idempotency-Key was already used with a different request",
        },
      };
    }
    const now = Date.now();
    const job = createJobState(spec, now);
    const events = this.store.create(job, requestFingerprint, [{ type: "job:created" }], now, (c) =>
      this.afterCommit.plan({ before: null, ...c }, this.config, now),
    );
    await this.afterSave(events, now, "wait");
    return { ok: true, job, replayed: false };
  }

  /** The job as stored, or null. */
  async read(): Promise<JobState | null> {
    return this.store.load()?.job ?? null;
  }

  /** A page of the event log for the console's timeline (see event-log-page.ts). */
  async eventLogPage(since: number, limit: number): Promise<EventLogResponse | null> {
    return this.store.load() ? readEventLogPage(this.ctx.storage.sql, since, limit) : null;
  }

  /**
   * Applies a command through the state machine; a refusal changes nothing.
   * With `owner`, another owner's job is answered as not found.
   */
  async apply(command: JobCommand, owner?: string): Promise<ApplyOutcome> {
    const stored = this.store.load();
    if (!stored || (owner !== undefined && stored.job.owner !== owner)) {
      return { ok: false, refusal: NOT_FOUND, job: null };
    }
    const now = Date.now();
    const result = transition(stored.job, command, now, { retryBackoffMs: this.config.retryBackoffMs });
    if (!result.ok) return { ok: false, refusal: result.refusal, job: stored.job };
    if (result.job !== stored.job) {
      const shown = this.forBrowsers(result.events, now);
      await this.afterSave(this.commit(stored.job, result.job, shown.drafts, now, shown.write), now, "wait");
    }
    return { ok: true, job: result.job };
  }

  /**
   * A GPU worker's callback. A refusal is written to the event log in the
   * same call and transaction that refused it, so an operator can see why.
   */
  async callback(name: CallbackName, command: WorkerCommand): Promise<CallbackOutcome> {
    let outcome: CallbackOutcome = { ok: false, refusal: NOT_FOUND, job: null };
    await this.report(name, command, { answer: (o) => (outcome = o) });
    return outcome;
  }

  /**
   * Every worker report, HTTP or channel, ends here: one read, one `transition`, one commit.
   * Progress is coalesced for browsers (see progress-coalescing.ts); channel reports remember their
   * id in the same transaction (`alsoWrite`); `answer` is told once the commit is made.
   */
  private async report(
    name: CallbackName,
    command: WorkerCommand,
    options: { alsoWrite?(seq: number): void; answer(outcome: CallbackOutcome): void },
  ): Promise<void> {
    const stored = this.store.load();
    if (!stored) return options.answer({ ok: false, refusal: NOT_FOUND, job: null });
    const now = Date.now();
    const result = transition(stored.job, command, now, { retryBackoffMs: this.config.retryBackoffMs });
    if (!result.ok) {
      const { status, code, message } = result.refusal;
      const refused: EventDraft = { type: "job:callback_refused", callback: name, status, code, message, attempt: command.attempt };
      const events = this.commit(stored.job, stored.job, [refused], now);
      options.answer({ ok: false, refusal: result.refusal, job: brief(this.store.load()!) });
      return this.afterSave(events, now);
    }
    if (result.job === stored.job) return options.answer({ ok: true, job: brief(stored) });
    const shown = this.forBrowsers(result.events, now);
    const events = this.commit(stored.job, result.job, shown.drafts, now, (seq) => {
      shown.write();
      options.alsoWrite?.(seq);
    });
    options.answer({ ok: true, job: brief(this.store.load()!) });
    await this.afterSave(events, now);
  }

  /**
   * The browser rate rule (progress-coalescing.ts) for one update's drafts: the drafts to append
   * now, and the write of the rule's state, to run inside the update's transaction.
   */
  private forBrowsers(drafts: readonly EventDraft[], now: number): { drafts: EventDraft[]; write(): void } {
    const channel = this.channel.read();
    const decision = coalesceProgress(channel.coalesce, drafts, now, this.config.browserProgressIntervalMs);
    const write = () => {
      if (decision.state !== channel.coalesce) this.channel.write({ ...channel, coalesce: decision.state });
    };
    return { drafts: decision.drafts, write };
  }

  /** The channel's view of this object (see workers/channel/worker-messages.ts). */
  private get channelHost(): ChannelHost {
    return {
      channel: this.channel,
      report: (name, command, options) => this.report(name, command, options),
      log: async (attempt, lines, options) => this.streams.appendLog(this.store.load(), attempt, lines, options),
    };
  }

  /** A worker's log lines (POST {url}/log); see workers/channel/job-streams.ts. */
  async log(attempt: number, lines: string[]): Promise<CallbackOutcome> {
    let outcome: CallbackOutcome = { ok: false, refusal: NOT_FOUND, job: null };
    this.streams.appendLog(this.store.load(), attempt, lines, { answer: (o) => (outcome = o) });
    return outcome;
  }

  /** A page of the log ring (GET /api/jobs/:id/logs). */
  async logPage(since: number, limit: number): Promise<LogPage | null> {
    return this.store.load() ? this.streams.logPage(since, limit) : null;
  }

  /** Records the newest preview frame (already in R2) and shows it to every browser. */
  async setPreview(attempt: number, preview: StoredPreview): Promise<CallbackOutcome> {
    return this.streams.setPreview(this.store.load(), attempt, preview, this.config);
  }

  /** The newest preview frame's storage record, or null. */
  async previewRecord(): Promise<StoredPreview | null> {
    return this.store.load() ? this.streams.preview() : null;
  }

  /**
   * A pull worker's lease claims `attempt`: only a queued job on that attempt
   * can be claimed; it starts (running) and its heartbeat clock runs from now,
   * so a lease that lapses goes back to the queue through the stall path.
   */
  async claim(attempt: number, worker?: string): Promise<ApplyOutcome> {
    const stored = this.store.load();
    if (!stored) return { ok: false, refusal: NOT_FOUND, job: null };
    if (stored.job.status !== "queued" || stored.job.attempt !== attempt) {
      const message = `attempt ${attempt} cannot be claimed: the job is ${stored.job.status} on attempt ${stored.job.attempt}`;
      return { ok: false, refusal: { status: 409, code: "not_claimable", message }, job: stored.job };
    }
    return this.apply({ type: "heartbeat", attempt, worker });
  }

  /** Logs a callback the Worker refused (bad token or body); null when there is no job. */
  async recordRefusedCallback(refused: RefusedCallback): Promise<JobBrief | null> {
    const stored = this.store.load();
    if (!stored) return null;
    await this.save(stored.job, stored.job, [{ type: "job:callback_refused", ...refused }], Date.now());
    return brief(this.store.load()!);
  }

  /** The WebSocket endpoint: `?since=<seq>` resumes after the last event a client saw. */
  override async fetch(request: Request): Promise<Response> {
    const stored = this.store.load();
    if (!stored) {
      return Response.json({ error: { code: NOT_FOUND.code, message: NOT_FOUND.message } }, { status: 404 });
    }
    const workerAttempt = request.headers.get(WORKER_ATTEMPT_HEADER);
    if (workerAttempt !== null) return acceptWorkerSocket(this.ctx, stored.job, Number(workerAttempt), Date.now());
    const params = new URL(request.url).searchParams;
    const { 0: client, 1: server } = new WebSocketPair();
    await this.sockets.accept(server, stored, params);
    const logs = params.get("logs") === "1";
    await this.streams.onConnect(server, stored, logs ? Number(params.get("logs_since") ?? NaN) : null, this.config);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const stored = this.store.load();
    if (!stored) return;
    const worker = workerAttachment(ws);
    if (worker) {
      try {
        await handleWorkerFrame(ws, worker, data, this.channelHost);
      } catch (err) {
        log.error("channel.message_failed", { job_id: stored.job.id, error: err });
        sendFrame(ws, JSON.stringify({ type: "refused", id: null, code: "internal_error", message: "the report was not applied" }));
      }
      return;
    }
    await this.sockets.onMessage(ws, data, stored);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    answerClose(ws, code, reason);
  }

  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    log.warn("socket.error", { job_id: this.ctx.id.name, error });
  }

  /** Gives the clock's due transitions (stall, retry, fail) and due or failed effects their turn. */
  override async alarm(): Promise<void> {
    this.alarmAt = null; // the runtime cleared it by firing it
    const stored = this.store.load();
    if (!stored) return;
    const now = Date.now();
    const retention = await applyRetention(this.env, stored.job, now, this.config, () => this.deleteEverything());
    if (retention.kind === "job_deleted") return;
    if (retention.kind === "output_deleted") {
      this.commit(stored.job, retention.job, [], now);
      await this.runEffects(now);
      await this.scheduleAlarm();
      return;
    }
    const result = transition(stored.job, { type: "tick" }, now, { retryBackoffMs: this.config.retryBackoffMs });
    const job = result.ok ? result.job : stored.job;
    // The clock's events, and a progress held back for browsers whose interval has passed.
    const shown = this.forBrowsers(result.ok ? result.events : [], now);
    if (job !== stored.job || shown.drafts.length > 0) {
      await this.sockets.publish(this.commit(stored.job, job, shown.drafts, now, shown.write));
    }
    await this.runEffects(now);
    await this.scheduleAlarm();
  }

  /**
   * Persist first (one transaction), then broadcast, then the effects: after
   * the answer, or before it with "wait" (the client API's create, cancel and
   * retry, so the caller's next list read shows the change; a failure is
   * still only retried, never an error to the caller).
   */
  private async save(before: JobState, job: JobState, drafts: EventDraft[], now: number, effects?: "wait"): Promise<void> {
    await this.afterSave(this.commit(before, job, drafts, now), now, effects);
  }

  private commit(before: JobState, job: JobState, drafts: EventDraft[], now: number, alsoWrite?: (seq: number) => void): StoredEvent[] {
    return this.store.commit(job, drafts, now, (c) => this.afterCommit.plan({ before, ...c }, this.config, now), alsoWrite);
  }

  private async afterSave(events: StoredEvent[], now: number, effects?: "wait"): Promise<void> {
    await this.sockets.publish(events);
    const runs = this.runEffects(now);
    await this.scheduleAlarm(); // the runs' leases are already written: the alarm covers a lost run
    if (effects === "wait") await runs.then(() => this.scheduleAlarm());
    else this.ctx.waitUntil(runs.then(() => this.scheduleAlarm()));
  }

  /** Runs the due effects until none is due (asks made while they ran included). */
  private runEffects(now: number): Promise<void> {
    const stored = this.store.load();
    const runs = stored && this.afterCommit.start(now, this.env, this.config, stored);
    return runs ? runs.then(() => this.runEffects(Date.now())) : Promise.resolve();
  }

  /** Retention's last step: the job's sockets are closed, then its storage (and alarm) goes. */
  private async deleteEverything(): Promise<void> {
    this.sockets.closeAll("job deleted (retention)");
    await this.store.deleteAll();
    this.channel.forget();
    this.alarmAt = null; // deleteAll drops the alarm too
  }

  /**
   * One alarm serves the job's deadlines and its effects: it must fire no
   * later than the earliest of them. An alarm already set sooner is kept (a
   * heartbeat moves the stall deadline on every report; firing early only
   * finds nothing due and sets the alarm again), so most updates set none.
   */
  private async scheduleAlarm(): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    const stored = this.store.load();
    if (!stored) return;
    const times = [
      nextJobDeadline(stored.job),
      nextRetentionAt(stored.job, this.config),
      this.afterCommit.wakeAt(),
      flushAt(this.channel.read().coalesce, this.config.browserProgressIntervalMs),
    ].filter((t): t is number => t !== null);
    const at = times.length > 0 ? Math.min(...times) : null;
    if (at === this.alarmAt || (at !== null && this.alarmAt !== null && this.alarmAt <= at)) return;
    this.alarmAt = at;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }
}
