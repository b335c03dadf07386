/**
 * Webhooks of real jobs: the job's object hands its committed events to the
 * real webhook queue, whose consumer delivers them to a fake receiver
 * (progress coalesced: WEBHOOK_PROGRESS_INTERVAL_MS is a minute in tests).
 */
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Delivery, JobWebhookPayload as WebhookPayload } from "../../workers/protocol";
import { api, callback, createJob, uploadOutput } from "../helpers";
import { createWebhook, fakeReceiver, newOwner, type Received } from "../webhook-helpers";

let receiver: ReturnType<typeof fakeReceiver>;
beforeEach(() => {
  receiver = fakeReceiver();
});
afterEach(() => vi.restoreAllMocks());

const payloadOf = (r: Received) => JSON.parse(r.body) as WebhookPayload;
const until = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: 10_000, interval: 100 });

describe("webhooks of real jobs", { timeout: 20_000 }, () => {
  it("deliver created, started and completed in seq order, each signed, and log them for the job", async () => {
    const owner = await newOwner();
    const { secret } = await createWebhook(owner.auth, { url: "https://run.receiver.test/" });
    const created = await createJob({}, owner.auth);
    expect((await callback(created, "progress", { percent: 50 })).status).toBe(200);
    expect((await callback(created, "complete")).status).toBe(200);

    await until(() => expect(receiver.to("run.receiver.test")).toHaveLength(3));
    const got = receiver.to("run.receiver.test").map((r) => new Webhook(secret).verify(r.body, r.headers) as WebhookPayload);
    got.sort((a, b) => a.data.seq - b.data.seq);
    expect(got.map((p) => p.type)).toEqual(["job.created", "job.started", "job.completed"]);
    expect(got.every((p) => p.data.job.id === created.job.id)).toBe(true);
    expect(got[2]!.data.job.status).toBe("completed");

    const log = await api(`/api/jobs/${created.job.id}/deliveries`, { headers: owner.auth });
    const { deliveries } = await log.json<{ deliveries: Delivery[] }>();
    expect(deliveries.map((d) => d.status)).toEqual(["delivered", "delivered", "delivered"]);
  });

  it("coalesce progress: the first goes at once, later ones within the interval give way to the next event", async () => {
    const owner = await newOwner();
    await createWebhook(owner.auth, { url: "https://bar.receiver.test/", events: ["job.progress", "job.completed"] });
    const created = await createJob({}, owner.auth);
    for (const percent of [10, 20, 30, 40, 50]) expect((await callback(created, "progress", { percent })).status).toBe(200);
    expect((await callback(created, "complete")).status).toBe(200);

    await until(() => expect(receiver.to("bar.receiver.test").map((r) => payloadOf(r).type)).toContain("job.completed"));
    const got = receiver.to("bar.receiver.test").map(payloadOf);
    const progress = got.filter((p) => p.type === "job.progress");
    expect(progress).toHaveLength(1);
    expect(progress[0]!.data.job.progress.percent).toBe(10);
  });

  it("deliver a job's own webhook, signed with the owner's job-webhook secret, with a fresh download link", async () => {
    const owner = await newOwner();
    const { secret } = await (await api("/api/webhooks/job-secret", { headers: owner.auth })).json<{ secret: string }>();
    const created = await createJob({ webhook: { url: "https://own.receiver.test/done", events: ["job.completed"] } }, owner.auth);
    expect((await uploadOutput(created, new Uint8Array([1, 2, 3]))).status).toBe(200);
    expect((await callback(created, "complete")).status).toBe(200);

    await until(() => expect(receiver.to("own.receiver.test")).toHaveLength(1));
    const [got] = receiver.to("own.receiver.test");
    const payload = new Webhook(secret).verify(got!.body, got!.headers) as WebhookPayload;
    expect(payload.type).toBe("job.completed");
    expect(payload.data.job.download?.url).toMatch(new RegExp(`/api/jobs/${created.job.id}/download\\?`));
  });
});
