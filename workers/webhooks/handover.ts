/**
 * The job object's side of webhooks: after a commit, the job's new events
 * are handed to the webhook queue (progress coalesced by planHandover). The
 * object never waits for a receiver: handing over is one queue send. A send
 * that fails is retried from the job's alarm until it is taken, so no
 * committed event is lost; a repeat is harmless (deliveries are keyed by
 * receiver, job and seq).
 */
import type { JobState } from "../jobs/job";
import { log } from "../log";
import type { JobEvent } from "../protocol";
import { webhookTypeOf } from "./event-types";
import { planHandover, type HandoverState } from "./handover-plan";
import type { JobEventMessage } from "./messages";

const STATE_KEY = "webhook_handover";
export const HANDOVER_RETRY_MS = 1000;
/** Queue limits: 100 messages and 256 KB a batch (a message is at most 128 KB; a job's input at most 64 KiB). */
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 200_000;

interface StoredHandover extends HandoverState {
  /** When a failed send is tried again, or null. */
  retryAt: number | null;
  /** When a held progress becomes due, or null. */
  dueAt: number | null;
}

export interface HandoverInput {
  storage: DurableObjectStorage;
  queue: Queue;
  job: JobState;
  /** The job's logged events after `seq`, oldest first (as many as the log still holds). */
  eventsAfter: (seq: number) => JobEvent[];
  /** The seq before the first event not yet considered, for a job that never handed any over. */
  startAfter: number;
  progressIntervalMs: number;
  now: number;
}

function toMessage(job: JobState, event: JobEvent): JobEventMessage {
  const type = webhookTypeOf(event.type)!;
  const input = JSON.parse(job.inputJson);
  const webhook = job.webhook ? { url: job.webhook.url, ...(job.webhook.events ? { events: job.webhook.events } : {}) } : null;
  return {
    kind: "job_event",
    owner: job.owner,
    origin: job.origin,
    job_webhook: webhook,
    event: { type, seq: event.seq, at: event.at, job: { ...event.job, input } },
  };
}

async function send(queue: Queue, messages: JobEventMessage[]): Promise<void> {
  let batch: MessageSendRequest[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = JSON.stringify(message).length;
    if (batch.length === BATCH_MESSAGES || (batch.length > 0 && bytes + size > BATCH_BYTES)) {
      await queue.sendBatch(batch);
      [batch, bytes] = [[], 0];
    }
    batch.push({ body: message });
    bytes += size;
  }
  if (batch.length > 0) await queue.sendBatch(batch);
}

/** Hands the job's new events to the webhook queue; on failure, remembers to try again from the alarm. */
export async function handOverEvents(input: HandoverInput): Promise<void> {
  const { storage, now } = input;
  const stored = await storage.get<StoredHandover>(STATE_KEY);
  const state: HandoverState = stored ?? { handedSeq: input.startAfter, progressSentAt: null };
  const plan = planHandover(state, input.eventsAfter(state.handedSeq), now, input.progressIntervalMs);
  try {
    await send(input.queue, plan.send.map((e) => toMessage(input.job, e)));
    await storage.put(STATE_KEY, { ...plan.next, retryAt: null, dueAt: plan.dueAt } satisfies StoredHandover);
  } catch (err) {
    log.warn("webhook.handover_failed", { job_id: input.job.id, events: plan.send.length, error: err });
    await storage.put(STATE_KEY, { ...state, retryAt: now + HANDOVER_RETRY_MS, dueAt: stored?.dueAt ?? null } satisfies StoredHandover);
  }
}

/** When the alarm must hand over again (a failed send, or a held progress), or null. */
export async function handoverDueAt(storage: DurableObjectStorage): Promise<number | null> {
  const stored = await storage.get<StoredHandover>(STATE_KEY);
  const times = [stored?.retryAt ?? null, stored?.dueAt ?? null].filter((t): t is number => t !== null);
  return times.length > 0 ? Math.min(...times) : null;
}
