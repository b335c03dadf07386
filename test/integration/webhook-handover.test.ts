/**
 * The job object's handover to the webhook queue, on a real object's
 * storage with a stand-in queue: a failed send is kept for the alarm and
 * made again; and the daily cron drops deliveries older than 30 days.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import type { JobState } from "../../workers/jobs/job";
import type { JobEvent } from "../../workers/protocol";
import { handOverEvents, handoverDueAt, HANDOVER_RETRY_MS } from "../../workers/webhooks/handover";
import type { JobEventMessage } from "../../workers/webhooks/messages";
import { findDelivery } from "../../workers/db/webhook-deliveries";
import { processWebhookMessage } from "../../workers/webhooks/consumer";
import type { AttemptMessage } from "../../workers/webhooks/messages";
import { callback, createJob, eventLog, jobStub } from "../helpers";
import { createWebhook, jobEventMessage, newOwner, testDeps } from "../webhook-helpers";

/** A queue that records what it is sent, or refuses while `down`. */
function standInQueue() {
  const sent: JobEventMessage[] = [];
  const queue = {
    down: true,
    sent,
    async sendBatch(batch: Iterable<MessageSendRequest<JobEventMessage>>) {
      if (queue.down) throw new Error("queue unavailable");
      for (const m of batch) sent.push(m.body);
    },
  };
  return queue;
}

describe("handover to the webhook queue", () => {
  it("keeps events a failed send did not hand over and hands them over from the alarm's next turn", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 10 });
    const events = (await eventLog(created.job.id)) as JobEvent[];
    const queue = standInQueue();
    await runInDurableObject(jobStub(created.job.id), async (_instance, state) => {
      const storage = state.storage;
      await storage.delete("webhook_handover");
      const job = JSON.parse(state.storage.sql.exec<{ state: string }>("SELECT state FROM job").one().state) as JobState;
      const input = {
        storage,
        queue: queue as unknown as Queue,
        job,
        eventsAfter: (seq: number) => events.filter((e) => e.seq > seq),
        startAfter: 0,
        progressIntervalMs: 60_000,
        now: 1_000_000,
      };
      await handOverEvents(input);
      expect(queue.sent).toEqual([]);
      expect(await handoverDueAt(storage)).toBe(1_000_000 + HANDOVER_RETRY_MS);

      queue.down = false;
      await handOverEvents({ ...input, now: 1_000_000 + HANDOVER_RETRY_MS });
      expect(queue.sent.map((m) => [m.event.type, m.event.seq])).toEqual([["job.created", 1], ["job.started", 2], ["job.progress", 3]]);
      expect(queue.sent[0]!.event.job.input).toEqual({ frames: 10 });
      expect(await handoverDueAt(storage)).toBeNull();
    });
  });

  it("hands a job's new events to the real queue after each commit, with nothing left due", async () => {
    const created = await createJob();
    await callback(created, "complete");
    const due = await runInDurableObject(jobStub(created.job.id), (_instance, state) => handoverDueAt(state.storage));
    expect(due).toBeNull();
  });
});

describe("the daily cron", () => {
  it("drops deliveries made more than 30 days ago", async () => {
    const owner = await newOwner();
    await createWebhook(owner.auth, { url: "https://cron.receiver.test/" });
    const { deps } = testDeps(Date.now() - 31 * 24 * 3600_000);
    const [attempt] = (await processWebhookMessage(deps, jobEventMessage(owner.owner, "job.created", 1))).enqueue;
    const id = (attempt!.message as AttemptMessage).delivery_id;
    expect(await findDelivery(env.DB, id)).toBeDefined();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), env);
    expect(await findDelivery(env.DB, id)).toBeUndefined();
  });
});

describe("the webhook queue's consumer", () => {
  it("acks a job event it fanned out and retries a malformed message (which the queue then dead-letters)", async () => {
    const owner = await newOwner();
    const batch = createMessageBatch("export-webhooks", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: jobEventMessage(owner.owner, "job.created", 1) },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { kind: "nonsense" } as unknown as JobEventMessage },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m2"]);
  });
});
