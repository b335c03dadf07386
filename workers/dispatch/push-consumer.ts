/**
 * The push queue's consumers. The main queue sends each queued push attempt
 * to the GPU endpoints; when every endpoint fails the message is retried with
 * backoff, and after PUSH_MAX_RETRIES the job fails with the endpoints'
 * reasons. A message that throws (e.g. a malformed one) is retried by the
 * queue and then lands in the dead-letter queue, whose consumer fails the job
 * (when it can tell which) and logs it for an operator.
 */
import { z } from "zod";
import { readConfig } from "../config";
import { jobObject } from "../jobs/job-object";
import { log } from "../log";
import { dispatchCoordinator, pushCoordinator } from "./dispatch-coordinator";
import { ownerMaxRunning } from "./owner-limit";
import { pushRetryDelaySeconds } from "./endpoint-choice";
import { notifyPush, sendToEndpoints } from "./push-dispatch";

const PushMessageBody = z.object({ job_id: z.string().min(1), attempt: z.number().int().min(1) });

/** How often a push job held back by its owner's limit looks again for a free slot. */
export const HELD_RECHECK_SECONDS = 5;

/** Ends a push job for good through the core's error path (the job keeps the reason). */
async function failJob(env: Env, jobId: string, attempt: number, reason: string): Promise<void> {
  const outcome = await jobObject(env, jobId).apply({ type: "error", attempt, report: { error: reason, retryable: false } });
  log.warn("push.job_failed", { job_id: jobId, attempt, reason, applied: outcome.ok });
}

/** Handles one message of the push queue: ack when done with it, retry with a delay when no endpoint took it. */
async function handle(env: Env, message: Message<unknown>): Promise<void> {
  const body = PushMessageBody.parse(message.body); // a malformed body throws: retried, then dead-lettered
  const config = readConfig(env);
  const job = await jobObject(env, body.job_id).read();
  if (!job || job.status !== "queued" || job.attempt !== body.attempt) return message.ack(); // moved on
  if (config.gpuEndpoints.length === 0) {
    await failJob(env, job.id, job.attempt, "push dispatch: no GPU endpoints are configured (GPU_ENDPOINTS)");
    return message.ack();
  }
  const owner = dispatchCoordinator(env, job.owner);
  if (!(await owner.takePushSlot(job.id, job.attempt, Date.now(), ownerMaxRunning(config, job.owner)))) {
    // Over the owner's limit: the job waits queued (its place in line is in GET /api/jobs/:id).
    // A fresh message rather than a retry, so waiting never counts toward the queue's max_retries.
    await env.PUSH_QUEUE.send({ job_id: job.id, attempt: job.attempt }, { delaySeconds: HELD_RECHECK_SECONDS });
    return message.ack();
  }
  const coordinator = pushCoordinator(env);
  if (!(await coordinator.beginPush(job.id, job.attempt, Date.now()))) return message.ack(); // a redelivery
  const sent = await sendToEndpoints(env, config, job);
  if (!sent.sent) {
    await coordinator.endPush(job.id, job.attempt);
    await owner.freePushSlot(job.id);
    if (message.attempts > config.pushMaxRetries) {
      await failJob(env, job.id, job.attempt, `no GPU endpoint took the job after ${message.attempts} tries: ${sent.errors.join("; ")}`);
      return message.ack();
    }
    const delaySeconds = pushRetryDelaySeconds(message.attempts);
    log.warn("push.retry_later", { job_id: job.id, attempt: job.attempt, tries: message.attempts, delay_seconds: delaySeconds });
    return message.retry({ delaySeconds });
  }
  await coordinator.recordPushRun(job.id, job.attempt, sent.endpoint, sent.runId);
  // The run is the attempt's first word: the job's heartbeat clock now watches the provider.
  const claimed = await jobObject(env, job.id).claim(job.attempt, sent.endpoint);
  log.info("push.sent", { job_id: job.id, attempt: job.attempt, endpoint: sent.endpoint, run_id: sent.runId, claimed: claimed.ok });
  if (!claimed.ok) {
    // Canceled while we were sending: the job's hook ran before the run was recorded, so cancel it here.
    if (claimed.job) await notifyPush(env, claimed.job);
    await owner.freePushSlot(job.id);
  }
  message.ack();
}

/** The push queue's consumer. */
export async function consumePushBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await handle(env, message);
    } catch (err) {
      log.error("push.message_failed", { queue: batch.queue, message_id: message.id, tries: message.attempts, error: err });
      message.retry();
    }
  }
}

/** The dead-letter queue's consumer: fails the job it names (if any) and keeps a log line for an operator. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const body = PushMessageBody.safeParse(message.body);
    log.error("push.dead_letter", { message_id: message.id, body: message.body, tries: message.attempts });
    if (body.success) {
      const reason = `push dispatch gave up: the message was dead-lettered after ${message.attempts} deliveries`;
      await failJob(env, body.data.job_id, body.data.attempt, reason).catch((err) => log.error("push.dead_letter_failed", { error: err }));
    }
    message.ack();
  }
}
