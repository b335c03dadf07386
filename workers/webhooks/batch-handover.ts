/**
 * Handing a batch's finish to the webhook queue: one `batch_event` message per
 * finish event (`batch:completed` -> `batch.completed`, `batch:finished` ->
 * `batch.finished`), carrying the batch as the event left it. A send that
 * throws is retried by the batch's after-commit runner; a repeat is harmless
 * (deliveries are keyed by receiver, batch and the batch's event seq).
 */
import type { BatchEvent } from "../protocol";
import type { BatchEventMessage } from "./messages";

export function toBatchEventMessage(owner: string, origin: string, event: BatchEvent): BatchEventMessage | null {
  if (event.type !== "batch:completed" && event.type !== "batch:finished") return null;
  const type = event.type === "batch:completed" ? "batch.completed" : "batch.finished";
  return { kind: "batch_event", owner, origin, event: { type, seq: event.seq, at: event.at, batch: event.batch } };
}

/** Sends the finish events among `events` to the queue, oldest first; throws when the queue refuses. */
export async function handOverBatchEvents(queue: Queue, owner: string, origin: string, events: readonly BatchEvent[]): Promise<void> {
  const messages = events.map((e) => toBatchEventMessage(owner, origin, e)).filter((m) => m !== null);
  // A batch finishes once per run of its members: a handful of small messages, one sendBatch.
  if (messages.length > 0) await queue.sendBatch(messages.map((body) => ({ body })));
}
