/**
 * Handing a job's events to the webhook queue: one `job_event` message per
 * event, carrying the job as the event left it plus its input (the `job` of
 * GET /api/jobs/:id), sent in batches within the queue's limits. A send that
 * throws is retried by the after-commit runner; a repeat is harmless
 * (deliveries are keyed by receiver, job and seq).
 */
import type { JobState } from "../jobs/job";
import type { JobEvent } from "../protocol";
import { webhookTypeOf } from "./event-types";
import type { JobEventMessage } from "./messages";

/** Queue limits: 100 messages and 256 KB a batch (a message is at most 128 KB; a job's input at most 64 KiB). */
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 200_000;

export function toJobEventMessage(job: JobState, event: JobEvent): JobEventMessage {
  const webhook = job.webhook ? { url: job.webhook.url, ...(job.webhook.events ? { events: job.webhook.events } : {}) } : null;
  return {
    kind: "job_event",
    owner: job.owner,
    origin: job.origin,
    job_webhook: webhook,
    event: { type: webhookTypeOf(event.type)!, seq: event.seq, at: event.at, job: { ...event.job, input: JSON.parse(job.inputJson) } },
  };
}

/** Sends `events` of `job` to the queue, oldest first; throws when the queue refuses. */
export async function handOver(queue: Queue, job: JobState, events: readonly JobEvent[]): Promise<void> {
  let batch: MessageSendRequest[] = [];
  let bytes = 0;
  for (const event of events) {
    const body = toJobEventMessage(job, event);
    const size = JSON.stringify(body).length;
    if (batch.length === BATCH_MESSAGES || (batch.length > 0 && bytes + size > BATCH_BYTES)) {
      await queue.sendBatch(batch);
      [batch, bytes] = [[], 0];
    }
    batch.push({ body });
    bytes += size;
  }
  if (batch.length > 0) await queue.sendBatch(batch);
}
