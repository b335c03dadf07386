import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../../workers/protocol";
import { api, callback, createJob, getJob, jobStub, openFeed, sleep, withKey } from "../helpers";

/** Waits past `ms` of silence, then lets the object's alarm do what is due. */
async function silence(id: string, ms: number) {
  await sleep(ms);
  await runDurableObjectAlarm(jobStub(id));
}

async function currentToken(id: string) {
  return (await api(`/api/jobs/${id}/callback`, { headers: withKey() })).json<{ token: string; attempt: number }>();
}

describe("heartbeat timeouts", () => {
  it("announces a silent job as stalled, then retries it, then fails it after max attempts", async () => {
    const created = await createJob({ max_attempts: 2, heartbeat_timeout_seconds: 1 });
    const id = created.job.id;
    const feed = await openFeed(id);
    await callback(created, "heartbeat");

    await silence(id, 600);
    const stalled = await feed.waitFor((m) => m.type === "job:stalled");
    expect(stalled.job.stalled_since).not.toBeNull();
    expect((await getJob(id)).status).toBe("running");

    await silence(id, 500);
    const requeued = await feed.waitFor((m) => m.type === "job:requeued");
    expect(requeued.job).toMatchObject({ status: "queued", attempt: 2, stalled_since: null });
    expect(requeued.job.error?.message).toMatch(/no word from the GPU worker/);

    // The given-up worker is refused; the retry's worker takes over with a fresh token.
    expect((await callback(created, "heartbeat")).body.error?.code).toBe("stale_attempt");
    const second = await currentToken(id);
    expect(second.attempt).toBe(2);
    await callback(created, "heartbeat", undefined, second.token);

    await silence(id, 1100);
    await runDurableObjectAlarm(jobStub(id));
    const failed = await feed.waitFor((m) => m.type === "job:failed");
    expect(failed.job).toMatchObject({ status: "failed", attempt: 2 });

    const types = feed.messages.map((m: ServerMessage) => m.type);
    expect(types).toEqual([
      "job:snapshot",
      "job:started",
      "job:stalled",
      "job:requeued",
      "job:callback_refused",
      "job:started",
      "job:stalled",
      "job:failed",
    ]);
    feed.close();
  });

  it("clears a stall when the worker speaks again", async () => {
    const created = await createJob({ heartbeat_timeout_seconds: 1 });
    const feed = await openFeed(created.job.id);
    await callback(created, "heartbeat");
    await silence(created.job.id, 600);
    await feed.waitFor((m) => m.type === "job:stalled");
    await callback(created, "progress", { percent: 50 });
    const recovered = await feed.waitFor((m) => m.type === "job:recovered");
    expect(recovered.job.stalled_since).toBeNull();
    expect((await getJob(created.job.id)).status).toBe("running");
    feed.close();
  });

  it("does nothing when the alarm runs before a deadline", async () => {
    const created = await createJob({ heartbeat_timeout_seconds: 60 });
    await callback(created, "heartbeat");
    const before = await getJob(created.job.id);
    await runDurableObjectAlarm(jobStub(created.job.id));
    expect(await getJob(created.job.id)).toEqual(before);
  });

  it("keeps the same outcome when the alarm runs twice", async () => {
    const created = await createJob({ max_attempts: 3, heartbeat_timeout_seconds: 1 });
    await callback(created, "heartbeat");
    await silence(created.job.id, 1100);
    await runDurableObjectAlarm(jobStub(created.job.id));
    await runDurableObjectAlarm(jobStub(created.job.id));
    expect(await getJob(created.job.id)).toMatchObject({ status: "queued", attempt: 2 });
  });
});
