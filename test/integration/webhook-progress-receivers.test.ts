/**
 * Progress webhooks are handed to the queue only when someone receives them: the job's own
 * webhook subscribed to job.progress, or an enabled endpoint of its owner that is (the owner's
 * answer cached in the isolate for PROGRESS_RECEIVERS_TTL_MS; the clock is passed in).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createJobState, type JobState } from "../../workers/jobs/job";
import {
  hasProgressReceivers,
  knownToHaveNoProgressReceivers,
  PROGRESS_RECEIVERS_TTL_MS,
} from "../../workers/webhooks/progress-receivers";
import { createWebhook, newOwner } from "../webhook-helpers";

const NOW = 1_900_000_000_000;

function job(owner: string, webhook?: JobState["webhook"]): JobState {
  const spec = { id: `job_${crypto.randomUUID().slice(0, 8)}`, owner, kind: "k", inputJson: "{}", origin: "https://t.test" };
  return createJobState({ ...spec, maxAttempts: 1, heartbeatTimeoutMs: 60_000, webhook }, NOW);
}

describe("progress receivers", () => {
  it("finds none for an owner whose endpoints take only the default events", async () => {
    const { owner, auth } = await newOwner();
    await createWebhook(auth, { url: "https://a.receiver.test/" });
    expect(await hasProgressReceivers(env.DB, job(owner), NOW)).toBe(false);
    expect(knownToHaveNoProgressReceivers(job(owner), NOW)).toBe(true);
  });

  it("finds an endpoint subscribed to job.progress", async () => {
    const { owner, auth } = await newOwner();
    await createWebhook(auth, { url: "https://a.receiver.test/", events: ["job.progress"] });
    expect(await hasProgressReceivers(env.DB, job(owner), NOW)).toBe(true);
    expect(knownToHaveNoProgressReceivers(job(owner), NOW)).toBe(false);
  });

  it("counts the job's own webhook subscribed to progress, without asking D1", async () => {
    const { owner } = await newOwner();
    const own = job(owner, { url: "https://own.receiver.test/", events: ["job.progress"] });
    expect(await hasProgressReceivers(undefined as unknown as D1Database, own, NOW)).toBe(true);
    expect(knownToHaveNoProgressReceivers(own, NOW)).toBe(false);
  });

  it("sees an endpoint subscribed later once the owner's cached answer has expired", async () => {
    const { owner, auth } = await newOwner();
    expect(await hasProgressReceivers(env.DB, job(owner), NOW)).toBe(false);
    await createWebhook(auth, { url: "https://late.receiver.test/", events: ["job.progress"] });
    expect(await hasProgressReceivers(env.DB, job(owner), NOW + 1_000)).toBe(false);
    const later = NOW + PROGRESS_RECEIVERS_TTL_MS + 1;
    expect(knownToHaveNoProgressReceivers(job(owner), later)).toBe(false);
    expect(await hasProgressReceivers(env.DB, job(owner), later)).toBe(true);
  });

  it("knows nothing about an owner it has not asked about", async () => {
    const { owner } = await newOwner();
    expect(knownToHaveNoProgressReceivers(job(owner), NOW)).toBe(false);
  });
});
