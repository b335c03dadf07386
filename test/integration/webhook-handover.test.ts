/**
 * The job object's handover to the webhook queue (its `webhooks` and
 * `webhook-progress` after-commit effects): done after the commit, and a
 * refused send made again from the alarm; the queue's consumer; and the
 * daily cron, which drops deliveries older than 30 days.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../workers/index";
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

/** The object's row for effect `kind`, as stored. */
const effectRow = (id: string, kind: string) =>
  runInDurableObject(jobStub(id), (_o, state) =>
    state.storage.sql
      .exec<{ failures: number; done_seq: number | null }>("SELECT failures, done_seq FROM effects WHERE kind = ?", kind)
      .toArray()[0],
  );

describe("handover to the webhook queue", () => {
  it("hands each committed event over once, after the commit, and records how far it got", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 10 });
    await callback(created, "complete");
    const last = (await eventLog(created.job.id)).at(-1)!.seq;
    await vi.waitFor(async () => expect((await effectRow(created.job.id, "webhooks"))?.done_seq).toBe(last));
  });

  it("keeps the events a refused send did not hand over, and the alarm hands them over later", async () => {
    const created = await createJob();
    const queue = standInQueue();
    const stub = jobStub(created.job.id);
    // The object's queue binding is swapped for one that is down.
    await runInDurableObject(stub, (instance) => {
      const object = instance as unknown as { env: Env };
      object.env = { ...object.env, WEBHOOK_QUEUE: queue as unknown as Queue };
    });
    await callback(created, "progress", { percent: 10 });
    await callback(created, "complete");
    // The runs happen after the answers; give them time on a busy machine.
    await vi.waitFor(async () => expect((await effectRow(created.job.id, "webhooks"))?.failures).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 100,
    });
    expect(queue.sent).toEqual([]);

    queue.down = false;
    // The retry is due after its backoff (1 s), so the alarm may have to run more than once.
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(stub);
        expect(queue.sent.map((m) => m.event.type)).toContain("job.completed");
      },
      { timeout: 10_000, interval: 250 },
    );
    expect(queue.sent.map((m) => m.event.type)).toEqual(["job.started", "job.completed"]);
    expect(queue.sent[0]!.event.job.input).toEqual({ frames: 10 });
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
