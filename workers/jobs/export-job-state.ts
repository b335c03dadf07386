/**
 * ExportJobState: the Durable Object that is the authority on one job.
 *
 * A thin shell: `transition` decides, JobStore persists (one transaction per
 * update), then this object pushes the new events to every WebSocket, mirrors
 * the job to D1 and sets its one alarm. WebSockets use the hibernation API
 * only: sockets are always asked of the runtime, never kept in memory.
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig, type Config } from "../config";
import { needsDispatchNotice, noticeDispatch, pendingNoticeAt, retryDueNotice } from "../dispatch/notify-dispatch";
import { toJobRow, upsertJobRow } from "../db/jobs";
import { notifyOwnerFeed } from "../feed/notify-feed";
import { answerClose } from "../http/socket-close";
import { log } from "../log";
import {
  ClientMessage,
  type CallbackName,
  type JobEvent,
  type ServerMessage,
  type SnapshotMessage,
} from "../protocol";
import { createJobState, toJobView, type JobState, type NewJob } from "./job";
import { JobStore, type StoredJob } from "./job-store";
import { downloadLinkFor } from "./links";
import { mirrorDueAt, shouldWriteNow, writeFailed, writeStarted, writeSucceeded } from "./mirror-policy";
import { nextRetentionAt } from "./retention";
import { applyRetention } from "./retention-sweep";
import { nextJobDeadline } from "./timers";
import { transition, type EventDraft, type JobCommand, type Refusal } from "./transition";

export type NotFound = { status: 404; code: "job_not_found"; message: string };

export type ApplyOutcome =
  | { ok: true; job: JobState }
  | { ok: false; refusal: Refusal | NotFound; job: JobState | null };

export type CreateOutcome =
  | { ok: true; job: JobState; replayed: boolean }
  | { ok: false; refusal: Refusal };

export interface RefusedCallback {
  callback: CallbackName;
  status: number;
  code: string;
  message: string;
  attempt: number | null;
}

const NOT_FOUND: NotFound = { status: 404, code: "job_not_found", message: "no such job" };

/** Events that change what D1 shows go out at once; progress is coalesced. */
const isUrgent = (events: JobEvent[]) =>
  events.some((e) => e.type !== "job:progress" && e.type !== "job:callback_refused");

export class ExportJobState extends DurableObject<Env> {
  private readonly store: JobStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new JobStore(ctx.storage);
    // Keep-alives are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  private configCache: Config | undefined;
  /** The list row last sent to the owner's feed (a saving only; see notifyOwnerFeed). */
  private feedRowShown: string | undefined;

  /** Env is fixed for the life of an instance, so it is parsed once per instance. */
  private get config(): Config {
    return (this.configCache ??= readConfig(this.env));
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
    const events = this.store.create(job, requestFingerprint, [{ type: "job:created" }], now);
    await this.publish(events, true, now);
    return { ok: true, job, replayed: false };
  }

  /** The job as stored, or null. */
  async read(): Promise<JobState | null> {
    return this.store.load()?.job ?? null;
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
    if (result.job !== stored.job) await this.save(result.job, result.events, now);
    return { ok: true, job: result.job };
  }

  /**
   * A pull worker's lease claims `attempt`: only a queued job on that attempt
   * can be claimed; it starts (running) and its heartbeat clock runs from now,
   * so a lease that lapses goes back to the queue through the stall path.
   */
  async claim(attempt: number): Promise<ApplyOutcome> {
    const stored = this.store.load();
    if (!stored) return { ok: false, refusal: NOT_FOUND, job: null };
    if (stored.job.status !== "queued" || stored.job.attempt !== attempt) {
      const message = `attempt ${attempt} cannot be claimed: the job is ${stored.job.status} on attempt ${stored.job.attempt}`;
      return { ok: false, refusal: { status: 409, code: "not_claimable", message }, job: stored.job };
    }
    return this.apply({ type: "heartbeat", attempt });
  }

  /** Puts a refused callback in the event log, so an operator can see why an update was not taken. */
  async recordRefusedCallback(refused: RefusedCallback): Promise<JobState | null> {
    const stored = this.store.load();
    if (!stored) return null;
    await this.save(stored.job, [{ type: "job:callback_refused", ...refused }], Date.now());
    return stored.job;
  }

  /** The WebSocket endpoint: `?since=<seq>` resumes after the last event a client saw. */
  override async fetch(request: Request): Promise<Response> {
    const stored = this.store.load();
    if (!stored) {
      return Response.json({ error: { code: NOT_FOUND.code, message: NOT_FOUND.message } }, { status: 404 });
    }
    const sinceParam = new URL(request.url).searchParams.get("since");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ connectedAt: Date.now() });
    await this.catchUp(server, stored, sinceParam === null ? null : Number(sinceParam));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const stored = this.store.load();
    if (!stored) return;
    let parsed: unknown = null;
    try {
      parsed = typeof data === "string" ? JSON.parse(data) : null;
    } catch {
      // Answered below as a bad message.
    }
    const message = ClientMessage.safeParse(parsed);
    if (!message.success) {
      this.send(ws, {
        type: "error",
        job_id: stored.job.id,
        seq: stored.seq,
        error: { code: "bad_message", message: 'expected {"type":"job:sync","since":<seq>} or "ping"' },
      });
      return;
    }
    try {
      await this.catchUp(ws, stored, message.data.since);
    } catch (err) {
      log.error("socket.sync_failed", { job_id: stored.job.id, error: err });
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    answerClose(ws, code, reason);
  }

  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    log.warn("socket.error", { job_id: this.ctx.id.name, error });
  }

  /** Gives the clock's due transitions (stall, retry, fail) and a pending mirror write their turn. */
  override async alarm(): Promise<void> {
    const stored = this.store.load();
    if (!stored) return;
    const now = Date.now();
    const retention = await applyRetention(this.env, stored.job, now, this.config, () => this.deleteEverything());
    if (retention.kind === "job_deleted") return;
    if (retention.kind === "output_deleted") {
      await this.save(retention.job, [], now);
      return;
    }
    await retryDueNotice(this.ctx.storage, this.env, stored.job, now);
    const result = transition(stored.job, { type: "tick" }, now, { retryBackoffMs: this.config.retryBackoffMs });
    if (result.ok && result.job !== stored.job) {
      await this.save(result.job, result.events, now);
      return;
    }
    await this.syncMirror(false, now);
    await this.scheduleAlarm();
  }

  /** Persist first, then broadcast, mirror and reschedule. */
  private async save(job: JobState, drafts: EventDraft[], now: number): Promise<void> {
    const events = this.store.commit(job, drafts, now);
    await this.publish(events, isUrgent(events), now);
  }

  private async publish(events: JobEvent[], urgent: boolean, now: number): Promise<void> {
    if (events.length > 0) {
      const messages = await this.render(events);
      const frames = messages.map((m) => JSON.stringify(m));
      for (const ws of this.ctx.getWebSockets()) for (const frame of frames) this.sendFrame(ws, frame);
      this.feedRowShown = notifyOwnerFeed(this.ctx, this.env, this.store.load(), events, this.feedRowShown);
      await this.syncMirror(urgent, now);
      const job = this.store.load()?.job;
      if (job && needsDispatchNotice(job, events)) await noticeDispatch(this.ctx.storage, this.env, job, now);
    }
    await this.scheduleAlarm();
  }

  /** Sends a client what it missed since `since`, or a snapshot when that is no longer in the log. */
  private async catchUp(ws: WebSocket, stored: StoredJob, since: number | null): Promise<void> {
    const missed = since === null || !Number.isInteger(since) ? null : this.store.eventsSince(since);
    if (missed === null) {
      const snapshot: SnapshotMessage = {
        type: "job:snapshot",
        job_id: stored.job.id,
        seq: stored.seq,
        at: new Date().toISOString(),
        job: toJobView(stored.job, await downloadLinkFor(stored.job, this.config, Date.now())),
      };
      this.send(ws, snapshot);
      return;
    }
    for (const message of await this.render(missed)) this.send(ws, message);
  }

  /** Adds a fresh download link to messages that show the job completed. */
  private async render(events: JobEvent[]): Promise<JobEvent[]> {
    if (!events.some((e) => e.job.status === "completed")) return events;
    const job = this.store.load()?.job;
    const download = job ? await downloadLinkFor(job, this.config, Date.now()) : null;
    return events.map((e) => (e.job.status === "completed" ? { ...e, job: { ...e.job, download } } : e));
  }

  private send(ws: WebSocket, message: ServerMessage): void {
    this.sendFrame(ws, JSON.stringify(message));
  }

  private sendFrame(ws: WebSocket, frame: string): void {
    try {
      ws.send(frame);
    } catch {
      // getWebSockets() can include sockets that are closing.
    }
  }

  /** Writes the job to D1 when the mirror policy says so; a failure is retried from the alarm. */
  private async syncMirror(urgent: boolean, now: number): Promise<void> {
    const stored = this.store.load();
    if (!stored) return;
    const { mirrorIntervalMs } = this.config;
    if (!shouldWriteNow(this.store.mirror(), stored.seq, urgent, now, mirrorIntervalMs)) return;
    this.store.saveMirror(writeStarted(this.store.mirror(), now));
    try {
      await upsertJobRow(this.env.DB, toJobRow(stored.job, stored.seq));
      this.store.saveMirror(writeSucceeded(this.store.mirror(), stored.seq));
    } catch (err) {
      const mirror = writeFailed(this.store.mirror(), Date.now());
      this.store.saveMirror(mirror);
      log.warn("mirror.write_failed", {
        job_id: stored.job.id,
        version: stored.seq,
        failures: mirror.failures,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** Retention's last step: the job's sockets are told and closed, then its storage (and alarm) goes. */
  private async deleteEverything(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1000, "job deleted (retention)");
      } catch {
        // Already closing.
      }
    }
    await this.ctx.storage.deleteAll();
  }

  /** One alarm serves the job's deadlines, retention and the mirror; set it to the earliest. */
  private async scheduleAlarm(): Promise<void> {
    const stored = this.store.load();
    if (!stored) return;
    const times = [
      nextJobDeadline(stored.job),
      nextRetentionAt(stored.job, this.config),
      mirrorDueAt(this.store.mirror(), stored.seq, this.config.mirrorIntervalMs),
      await pendingNoticeAt(this.ctx.storage),
    ].filter((t): t is number => t !== null);
    const at = times.length > 0 ? Math.min(...times) : null;
    const current = await this.ctx.storage.getAlarm();
    if (at === null) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
    } else if (current !== at) {
      await this.ctx.storage.setAlarm(at);
    }
  }
}

