/**
 * The webhook queues' consumers. `processWebhookMessage` is the logic, with
 * the clock passed in and the messages it wants sent returned as effects (so
 * tests drive retries without waiting); the batch handlers apply them: a
 * retry is a new message sent with the schedule's delay, a spent budget goes
 * to the dead-letter queue, and a message that throws is retried by the
 * queue and dead-lettered after max_retries.
 */
import { setDeliveryStatus } from "../db/webhook-deliveries";
import { log } from "../log";
import { runAttempt, type WebhookDeps } from "./attempt";
import { fanOut } from "./fan-out";
import { WebhookMessage } from "./messages";

export interface Effects {
  /** Messages for the webhook queue, each after its delay. */
  enqueue: { message: WebhookMessage; delaySeconds: number }[];
  /** Messages for the dead-letter queue. */
  deadLetter: WebhookMessage[];
}

/** Handles one message of the webhook queue; throws when it should be retried as it is. */
export async function processWebhookMessage(deps: WebhookDeps, body: unknown): Promise<Effects> {
  const message = WebhookMessage.parse(body); // a malformed body throws: retried, then dead-lettered
  if (message.kind === "job_event" || message.kind === "batch_event") {
    const attempts = await fanOut(deps.env, message, deps.now());
    return { enqueue: attempts.map((m) => ({ message: m, delaySeconds: 0 })), deadLetter: [] };
  }
  const outcome = await runAttempt(deps, message);
  if (outcome.kind === "retry") return { enqueue: [{ message: outcome.next, delaySeconds: outcome.delaySeconds }], deadLetter: [] };
  if (outcome.kind === "dead") return { enqueue: [], deadLetter: [message] };
  if (outcome.kind === "skipped") log.info("webhook.attempt_skipped", { delivery_id: message.delivery_id, reason: outcome.reason });
  return { enqueue: [], deadLetter: [] };
}

/** Handles one dead letter: a delivery whose retries are spent (or whose attempt kept throwing) is dead; its log stays. */
export async function processDeadLetter(deps: WebhookDeps, body: unknown): Promise<void> {
  const message = WebhookMessage.safeParse(body);
  if (message.success && message.data.kind === "attempt") {
    await setDeliveryStatus(deps.env.DB, message.data.delivery_id, { status: "dead", nextAttemptAt: null });
    log.warn("webhook.delivery_dead", { delivery_id: message.data.delivery_id, attempt: message.data.attempt });
    return;
  }
  // A job or batch event that kept failing to fan out: nothing more can be done than to say so.
  log.error("webhook.dead_letter", { body: message.success ? message.data : body });
}

const productionDeps = (env: Env): WebhookDeps => ({ env, now: Date.now, random: Math.random });

async function apply(env: Env, effects: Effects): Promise<void> {
  for (const { message, delaySeconds } of effects.enqueue) await env.WEBHOOK_QUEUE.send(message, { delaySeconds });
  for (const message of effects.deadLetter) await env.WEBHOOK_DEAD_LETTERS.send(message);
}

/** Messages of one receiver (attempts), one job or one batch (events) are handled in order; different ones at once. */
function orderKey(body: unknown): string {
  const message = WebhookMessage.safeParse(body);
  if (!message.success) return "malformed";
  const m = message.data;
  if (m.kind === "attempt") return `r:${m.receiver ?? m.delivery_id}`;
  return m.kind === "job_event" ? `j:${m.event.job.id}` : `b:${m.event.batch.id}`;
}

/** The webhook queue's consumer: a slow receiver (up to the timeout per attempt) holds up only its own messages. */
export async function consumeWebhookBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const lanes = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const key = orderKey(message.body);
    lanes.set(key, [...(lanes.get(key) ?? []), message]);
  }
  await Promise.all(
    [...lanes.values()].map(async (messages) => {
      for (const message of messages) {
        try {
          await apply(env, await processWebhookMessage(productionDeps(env), message.body));
          message.ack();
        } catch (err) {
          log.error("webhook.message_failed", { message_id: message.id, tries: message.attempts, error: err });
          message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
        }
      }
    }),
  );
}

export async function consumeWebhookDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await processDeadLetter(productionDeps(env), message.body);
      message.ack();
    } catch (err) {
      log.error("webhook.dead_letter_failed", { message_id: message.id, error: err });
      message.retry({ delaySeconds: 60 });
    }
  }
}
