/**
 * BatchState: the Durable Object that holds one batch's aggregate.
 *
 * A thin shell: member jobs tell it of their changes through their
 * after-commit path (effects/batch-member-notice.ts), each change carrying the
 * job's seq; `noticeMember` decides (a stale change is ignored), BatchStore
 * commits member, batch, events and the effect rows they ask for in one
 * transaction, the object sends the events' text to every socket, then runs
 * the after-commit effects (batch-effect-list.ts: the D1 list row, the owner
 * feed, the finish's webhooks), retried from the alarm until they land.
 * Sockets use the hibernation API only and resume with `?since=` like a job's.
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig, type Config } from "../config";
import { parseClientFrame } from "../http/client-frame";
import { answerClose } from "../http/socket-close";
import { log } from "../log";
import {
  BatchClientMessage,
  type BatchMember,
  type BatchServerMessage,
  type BatchSnapshotMessage,
  type BatchView,
  type JobStatus,
  type JsonValue,
} from "../protocol";
import { aggregate } from "./aggregate";
import { noticeMember, toBatchView, type BatchRecord } from "./batch";
import { BATCH_EFFECTS } from "./batch-effect-list";
import { BatchEffects } from "./batch-effects";
import { BatchStore, type StoredBatch } from "./batch-store";
import { seedMember, toMemberView, type MemberChange } from "./member";

export interface NewBatch {
  id: string;
  owner: string;
  origin: string;
  metadata: JsonValue | null;
  members: { jobId: string; kind: string }[];
}

export type CreateBatchOutcome =
  | { ok: true; batch: BatchView; replayed: boolean }
  | { ok: false; refusal: { status: 409; code: string; message: string } };

/** A page of the batch as a route answers it; `owner` lets the route check access. */
export interface BatchPage {
  owner: string;
  batch: BatchView;
  jobs: BatchMember[];
  nextOffset: number | null;
}

export class BatchState extends DurableObject<Env> {
  private readonly store: BatchStore;
  private readonly effects: BatchEffects;
  private readonly config: Config;
  /** The alarm as last set by this instance; undefined until read from storage once. */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new BatchStore(ctx.storage);
    this.effects = new BatchEffects(this.store, BATCH_EFFECTS);
    this.config = readConfig(env);
    // Keep-alives are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** Creates the batch with its members queued; a repeat of the same request (Idempotency-Key) returns it. */
  async create(spec: NewBatch, requestFingerprint: string): Promise<CreateBatchOutcome> {
    const existing = this.store.load();
    if (existing) {
      if (existing.batch.owner === spec.owner && existing.requestFingerprint === requestFingerprint) {
        return { ok: true, batch: view(existing), replayed: true };
      }
      const message = "this Idempotency-Key was already used with a different request";
      return { ok: false, refusal: { status: 409, code: "idempotency_key_reused", message } };
    }
    const now = Date.now();
    const batch: BatchRecord = {
      id: spec.id,
      owner: spec.owner,
      origin: spec.origin,
      metadata: spec.metadata,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    const members = spec.members.map((m, i) => seedMember(m.jobId, i, m.kind, now));
    const after = toBatchView(batch, aggregate(members), members.length);
    const effects = this.effects.plan({ before: null, after, events: [] }, this.config, now);
    const stored = this.store.create(batch, members, requestFingerprint, effects);
    // Waited for, so the creator's next list read shows the batch (a failure is only retried).
    await this.runEffects(now);
    await this.scheduleAlarm();
    return { ok: true, batch: view(stored), replayed: false };
  }

  /** The batch and a page of its members (in index order), or null. */
  async read(offset = 0, limit = 500): Promise<BatchPage | null> {
    const stored = this.store.load();
    if (!stored) return null;
    const page = stored.members.slice(offset, offset + limit);
    const next = offset + page.length;
    return {
      owner: stored.batch.owner,
      batch: view(stored),
      jobs: page.map(toMemberView),
      nextOffset: next < stored.members.length ? next : null,
    };
  }

  /** The ids of the members whose status (as last told) is one of `statuses`; null when there is no batch. */
  async memberIds(owner: string, statuses: readonly JobStatus[]): Promise<string[] | null> {
    const stored = this.store.load();
    if (!stored || stored.batch.owner !== owner) return null;
    return stored.members.filter((m) => statuses.includes(m.status)).map((m) => m.jobId);
  }

  /**
   * A member job's change (after one of its commits). Idempotent: a change
   * not newer than the member's seq changes nothing. Throws when this object
   * holds no batch, so the job's effect retries until the batch exists.
   */
  async memberChanged(change: MemberChange): Promise<{ applied: boolean }> {
    const stored = this.store.load();
    if (!stored) throw new Error(`batch ${this.ctx.id.name ?? "?"} does not exist (yet)`);
    const now = Date.now();
    const notice = noticeMember(stored.batch, stored.members, change, now);
    if (!notice.changed) return { applied: false };
    const before = view(stored);
    const after = toBatchView(notice.batch, notice.aggregate, stored.members.length);
    const frames = this.store.commit(notice.batch, notice.member, notice.events, now, (events) =>
      this.effects.plan({ before, after, events }, this.config, now),
    );
    for (const ws of this.ctx.getWebSockets()) for (const frame of frames) sendFrame(ws, frame);
    const runs = this.runEffects(now);
    await this.scheduleAlarm(); // the runs' leases are already written: the alarm covers a lost run
    this.ctx.waitUntil(runs.then(() => this.scheduleAlarm()));
    return { applied: true };
  }

  /** Gives due or failed effects their turn. */
  override async alarm(): Promise<void> {
    this.alarmAt = null; // the runtime cleared it by firing it
    await this.runEffects(Date.now());
    await this.scheduleAlarm();
  }

  /** Runs the due effects until none is due (asks made while they ran included). */
  private runEffects(now: number): Promise<void> {
    const stored = this.store.load();
    const runs = stored && this.effects.start(now, this.env, this.config, stored, view(stored));
    return runs ? runs.then(() => this.runEffects(Date.now())) : Promise.resolve();
  }

  /** The alarm fires no later than the earliest effect needs it; one already set sooner is kept. */
  private async scheduleAlarm(): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    const at = this.effects.wakeAt();
    if (at === this.alarmAt || (at !== null && this.alarmAt !== null && this.alarmAt <= at)) return;
    this.alarmAt = at;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  /** The WebSocket endpoint (the route checked access): `?since=<seq>` resumes after the last event seen. */
  override async fetch(request: Request): Promise<Response> {
    const stored = this.store.load();
    if (!stored) {
      return Response.json({ error: { code: "batch_not_found", message: "no such batch" } }, { status: 404 });
    }
    const sinceParam = new URL(request.url).searchParams.get("since");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    this.catchUp(server, stored, sinceParam === null ? null : Number(sinceParam));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const stored = this.store.load();
    if (!stored) return;
    const message = parseClientFrame(data, BatchClientMessage);
    if (!message) {
      send(ws, {
        type: "error",
        batch_id: stored.batch.id,
        seq: stored.seq,
        error: { code: "bad_message", message: 'expected {"type":"batch:sync","since":<seq>} or "ping"' },
      });
      return;
    }
    try {
      this.catchUp(ws, stored, message.since);
    } catch (err) {
      log.error("batch.socket_sync_failed", { batch_id: stored.batch.id, error: err });
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    answerClose(ws, code, reason);
  }

  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    log.warn("batch.socket_error", { batch_id: this.ctx.id.name, error });
  }

  /** Sends what a client missed since `since`, or a snapshot when that is no longer in the log. */
  private catchUp(ws: WebSocket, stored: StoredBatch, since: number | null): void {
    const missed = since === null || !Number.isInteger(since) ? null : this.store.eventsSince(since);
    if (missed !== null) {
      for (const frame of missed) sendFrame(ws, frame);
      return;
    }
    const snapshot: BatchSnapshotMessage = {
      type: "batch:snapshot",
      batch_id: stored.batch.id,
      seq: stored.seq,
      at: new Date().toISOString(),
      batch: view(stored),
      jobs: stored.members.map(toMemberView),
    };
    send(ws, snapshot);
  }
}

function view(stored: StoredBatch): BatchView {
  return toBatchView(stored.batch, aggregate(stored.members), stored.members.length);
}

function send(ws: WebSocket, message: BatchServerMessage): void {
  sendFrame(ws, JSON.stringify(message));
}

function sendFrame(ws: WebSocket, frame: string): void {
  try {
    ws.send(frame);
  } catch {
    // getWebSockets() can include sockets that are closing.
  }
}
