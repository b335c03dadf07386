/**
 * Webhooks of batches: when a batch's last member finishes, its object hands
 * `batch.completed` (or `batch.finished`, with the counts) to the real webhook
 * queue through its after-commit outbox, and the consumer delivers it once to
 * each endpoint subscribed to it (a fake receiver behind a mocked fetch).
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { batchWebhooks } from "../../workers/batches/batch-effect-list";
import type { BatchState } from "../../workers/batches/batch-state";
import { memberChangeOf } from "../../workers/effects/batch-member-notice";
import type { BatchWebhookPayload, CreateBatchResponse, Delivery } from "../../workers/protocol";
import { toBatchEventMessage } from "../../workers/webhooks/batch-handover";
import { processWebhookMessage } from "../../workers/webhooks/consumer";
import { batchStub, createBatch, getBatch } from "../batch-helpers";
import { api, callback, jobStub, postJson } from "../helpers";
import { createWebhook, fakeReceiver, newOwner, testDeps, type Received } from "../webhook-helpers";

let receiver: ReturnType<typeof fakeReceiver>;
beforeEach(() => {
  receiver = fakeReceiver();
});
afterEach(() => vi.restoreAllMocks());

const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 100 });
const payloadOf = (r: Received) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> };
const batchHooks = (host: string) => receiver.to(host).filter((r) => payloadOf(r).type.startsWith("batch."));

async function batchDeliveries(id: string, auth: Record<string, string>): Promise<Delivery[]> {
  const res = await api(`/api/batches/${id}/deliveries`, { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json<{ deliveries: Delivery[] }>()).deliveries;
}

/** Every member's current change told to the batch again, as a retried job effect would. */
async function duplicateNotices(created: CreateBatchResponse): Promise<boolean[]> {
  const applied: boolean[] = [];
  for (const j of created.jobs) {
    const job = (await jobStub(j.job.id).read())!;
    const seq = await runInDurableObject(jobStub(j.job.id), (_o, state) =>
      state.storage.sql.exec<{ seq: number }>("SELECT MAX(seq) AS seq FROM events").one().seq,
    );
    applied.push((await batchStub(created.batch.id).memberChanged(memberChangeOf(job, seq))).applied);
  }
  return applied;
}

describe("batch webhooks", { timeout: 30_000 }, () => {
  it("send batch.completed once when the last member completes, signed, however often members' notices repeat", async () => {
    const owner = await newOwner();
    const { secret } = await createWebhook(owner.auth, { url: "https://all.receiver.test/" });
    const created = await createBatch(3, owner.auth);
    for (const j of created.jobs.slice(0, 2)) expect((await callback(j, "complete")).status).toBe(200);
    await until(async () => expect((await getBatch(created.batch.id, "", owner.auth)).batch.counts.completed).toBe(2));
    // Every member's change told again (the queued one's first notice may land here: it raises no event).
    await duplicateNotices(created);
    expect((await callback(created.jobs[2]!, "complete")).status).toBe(200);

    await until(() => expect(batchHooks("all.receiver.test")).toHaveLength(1));
    const [got] = batchHooks("all.receiver.test");
    const payload = new Webhook(secret).verify(got!.body, got!.headers) as BatchWebhookPayload;
    expect(payload.type).toBe("batch.completed");
    expect(payload.data.batch).toMatchObject({ id: created.batch.id, status: "completed", total: 3 });
    expect(payload.data.batch.counts.completed).toBe(3);

    // Repeated notices after the finish raise no event, so nothing more is handed over.
    expect(await duplicateNotices(created)).toEqual([false, false, false]);
    const deliveries = await batchDeliveries(created.batch.id, owner.auth);
    expect(deliveries.map((d) => [d.event_type, d.status, d.batch_id, d.job_id])).toEqual([
      ["batch.completed", "delivered", created.batch.id, null],
    ]);
    expect(deliveries[0]!.id).toBe(got!.headers["webhook-id"]);
    const outbox = await runInDurableObject(batchStub(created.batch.id) as unknown as DurableObjectStub<BatchState>, (_o, state) =>
      state.storage.sql.exec("SELECT seq FROM outbox").toArray(),
    );
    expect(outbox).toEqual([]);
  });

  it("make no second delivery when the batch's finish is handed over again", async () => {
    const owner = await newOwner();
    await createWebhook(owner.auth, { url: "https://again.receiver.test/" });
    const created = await createBatch(1, owner.auth);
    expect((await callback(created.jobs[0]!, "complete")).status).toBe(200);
    await until(() => expect(batchHooks("again.receiver.test")).toHaveLength(1));

    const events = await runInDurableObject(batchStub(created.batch.id) as unknown as DurableObjectStub<BatchState>, (_o, state) =>
      state.storage.sql.exec<{ message: string }>("SELECT message FROM events WHERE type = 'batch:completed'").toArray(),
    );
    const message = toBatchEventMessage(owner.owner, "https://tracker.test", JSON.parse(events[0]!.message))!;
    const { deps } = testDeps();
    expect((await processWebhookMessage(deps, message)).enqueue).toEqual([]);
    expect(await batchDeliveries(created.batch.id, owner.auth)).toHaveLength(1);
  });

  it("send batch.finished with the counts when one member failed", async () => {
    const owner = await newOwner();
    const { secret } = await createWebhook(owner.auth, { url: "https://counts.receiver.test/" });
    const created = await createBatch(2, owner.auth);
    expect((await callback(created.jobs[0]!, "complete")).status).toBe(200);
    expect((await callback(created.jobs[1]!, "error", { error: "bad codec", retryable: false })).status).toBe(200);

    await until(() => expect(batchHooks("counts.receiver.test")).toHaveLength(1));
    const [got] = batchHooks("counts.receiver.test");
    const payload = new Webhook(secret).verify(got!.body, got!.headers) as BatchWebhookPayload;
    expect(payload.type).toBe("batch.finished");
    expect(payload.data.batch.status).toBe("finished");
    expect(payload.data.batch.counts).toEqual({ queued: 0, running: 0, completed: 1, failed: 1, canceled: 0 });
    expect(payload.data.batch.first_error).toMatchObject({ job_id: created.jobs[1]!.job.id, message: "bad codec" });
  });

  it("send nothing to an endpoint not subscribed to batch events", async () => {
    const owner = await newOwner();
    const jobsOnly = await createWebhook(owner.auth, { url: "https://jobs-only.receiver.test/", events: ["job.completed"] });
    const batchOnly = await createWebhook(owner.auth, { url: "https://batch-only.receiver.test/", events: ["batch.completed"] });
    const created = await createBatch(2, owner.auth);
    for (const j of created.jobs) expect((await callback(j, "complete")).status).toBe(200);

    await until(() => expect(receiver.to("batch-only.receiver.test")).toHaveLength(1));
    await until(() => expect(receiver.to("jobs-only.receiver.test")).toHaveLength(2));
    expect(receiver.to("jobs-only.receiver.test").map((r) => payloadOf(r).type)).toEqual(["job.completed", "job.completed"]);
    expect(payloadOf(receiver.to("batch-only.receiver.test")[0]!).type).toBe("batch.completed");
    const deliveries = await batchDeliveries(created.batch.id, owner.auth);
    expect(deliveries.map((d) => d.endpoint_id)).toEqual([batchOnly.webhook.id]);
    expect(jobsOnly.webhook.events).toEqual(["job.completed"]);
  });

  it("send a new event, with a new webhook-id, when a retried batch finishes again", async () => {
    const owner = await newOwner();
    await createWebhook(owner.auth, { url: "https://twice.receiver.test/" });
    const created = await createBatch(1, owner.auth);
    expect((await callback(created.jobs[0]!, "error", { error: "flaky", retryable: false })).status).toBe(200);
    await until(() => expect(batchHooks("twice.receiver.test")).toHaveLength(1));

    expect((await postJson(`/api/batches/${created.batch.id}/retry`, {}, owner.auth)).status).toBe(200);
    const callbackNow = await api(`/api/jobs/${created.jobs[0]!.job.id}/callback`, { headers: owner.auth });
    const credentials = await callbackNow.json<CreateBatchResponse["jobs"][number]["callback"]>();
    expect((await callback({ job: created.jobs[0]!.job, callback: credentials }, "complete")).status).toBe(200);

    await until(() => expect(batchHooks("twice.receiver.test")).toHaveLength(2));
    const [first, second] = batchHooks("twice.receiver.test").sort((a, b) => (payloadOf(a).data.seq as number) - (payloadOf(b).data.seq as number));
    expect([payloadOf(first!).type, payloadOf(second!).type]).toEqual(["batch.finished", "batch.completed"]);
    expect(first!.headers["webhook-id"]).not.toBe(second!.headers["webhook-id"]);
    expect((await getBatch(created.batch.id, "", owner.auth)).batch.status).toBe("completed");
  });

  it("keep the finish in the outbox and retry the hand-over from the batch's alarm until the queue takes it", async () => {
    const owner = await newOwner();
    await createWebhook(owner.auth, { url: "https://later.receiver.test/" });
    const created = await createBatch(1, owner.auth);
    const stub = batchStub(created.batch.id) as unknown as DurableObjectStub<BatchState>;
    const refuse = vi.spyOn(batchWebhooks, "run").mockRejectedValue(new Error("queue unavailable"));
    expect((await callback(created.jobs[0]!, "complete")).status).toBe(200);
    await until(() => expect(refuse).toHaveBeenCalled());
    const rowOf = () =>
      runInDurableObject(stub, (_o, state) => ({
        outbox: state.storage.sql.exec("SELECT seq FROM outbox").toArray().length,
        failures: state.storage.sql.exec<{ failures: number }>("SELECT failures FROM effects WHERE kind = 'webhooks'").one().failures,
      }));
    await until(async () => expect(await rowOf()).toEqual({ outbox: 1, failures: 1 }));
    refuse.mockRestore();

    await until(async () => {
      await runDurableObjectAlarm(stub);
      expect(batchHooks("later.receiver.test")).toHaveLength(1);
    });
    expect(await rowOf()).toEqual({ outbox: 0, failures: 0 });
    expect(payloadOf(batchHooks("later.receiver.test")[0]!).type).toBe("batch.completed");
  });
});
