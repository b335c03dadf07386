import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CHANNEL_CLOSE, CHANNEL_LIMITS, type ServerMessage } from "../../workers/protocol";
import { channelUpgrade, openChannel } from "../channel-helpers";
import { api, callback, createJob, eventLog, getJob, jobStub, openFeed, postJson, withKey } from "../helpers";

const ofType = (type: ServerMessage["type"]) => (m: ServerMessage) => m.type === type;

describe("the worker channel", () => {
  it("acks a report with the seq of its commit, and the job shows it", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    const ack = await channel.request({ type: "progress", id: "r1", percent: 40, stage: "render" });
    // seq 1 job:created, 2 job:started, 3 job:progress.
    expect(ack).toEqual({ type: "ack", id: "r1", seq: 3 });
    expect((await getJob(created.job.id)).progress).toMatchObject({ percent: 40, stage: "render" });
    channel.close();
  });

  it("applies a resent id once and acks it again with its first seq", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    const first = await channel.request({ type: "progress", id: "same", done: 1, total: 10 });
    await channel.request({ type: "progress", id: "next", done: 2, total: 10 });
    const again = await channel.request({ type: "progress", id: "same", done: 1, total: 10 });
    expect(again).toEqual(first);
    expect((await getJob(created.job.id)).progress.done).toBe(2);
    channel.close();
  });

  it("still knows an id after a reconnect and an eviction", async () => {
    const created = await createJob();
    const first = await openChannel(created);
    const ack = await first.request({ type: "heartbeat", id: "hb-1" });
    first.close();
    await evictDurableObject(jobStub(created.job.id));
    const second = await openChannel(created);
    expect(await second.request({ type: "heartbeat", id: "hb-1" })).toEqual(ack);
    second.close();
  });

  it("refuses a report the state machine refuses, and logs why", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    await channel.request({ type: "progress", id: "a", percent: 60 });
    const refused = await channel.request({ type: "progress", id: "b", percent: 10 });
    expect(refused).toMatchObject({ type: "refused", id: "b", code: "progress_regressed" });
    const log = await eventLog(created.job.id);
    expect(log.at(-1)).toMatchObject({ type: "job:callback_refused", callback: "progress", code: "progress_regressed" });
    channel.close();
  });

  it("refuses binary, oversized and malformed frames and keeps working", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    channel.send(new Uint8Array([1, 2, 3]).buffer);
    await channel.waitFor((m) => m.type === "refused" && m.code === "binary_not_supported");
    channel.send(JSON.stringify({ type: "log", id: "big", lines: ["x".repeat(CHANNEL_LIMITS.maxMessageBytes)] }));
    await channel.waitFor((m) => m.type === "refused" && m.code === "message_too_large");
    channel.send("{not json");
    await channel.waitFor((m) => m.type === "refused" && m.code === "bad_json");
    channel.send(JSON.stringify({ type: "progress", id: "p" }));
    expect(await channel.waitFor((m) => m.type === "refused" && m.id === "p")).toMatchObject({ code: "bad_message" });
    channel.send(JSON.stringify({ type: "teleport", id: "t" }));
    await channel.waitFor((m) => m.type === "refused" && m.id === "t");
    expect(await channel.request({ type: "progress", id: "ok", percent: 5 })).toMatchObject({ type: "ack", id: "ok" });
    channel.close();
  });

  it("pushes canceled to the worker the moment the job is canceled, then closes", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    await channel.request({ type: "heartbeat", id: "h" });
    const res = await postJson(`/api/jobs/${created.job.id}/cancel`, { reason: "user" }, withKey());
    expect(res.status).toBe(200);
    await channel.waitFor((m) => m.type === "canceled");
    expect(await channel.waitFor((m) => m.type === "closing")).toMatchObject({ code: CHANNEL_CLOSE.canceled });
  });

  it("gives browsers a cancel's event in seq order while reports race it", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    await channel.request({ type: "heartbeat", id: "h" });
    const feed = await openFeed(created.job.id, "?since=2");
    const reports = Array.from({ length: 5 }, (_, i) => callback(created, "progress", { percent: 10 + i }));
    const canceled = postJson(`/api/jobs/${created.job.id}/cancel`, { reason: "user" }, withKey());
    await Promise.all([...reports, canceled]);
    await channel.waitFor((m) => m.type === "canceled");
    const logged = (await eventLog(created.job.id)).filter((e) => e.seq > 2);
    await feed.waitFor((m) => m.seq === logged.at(-1)!.seq);
    expect(feed.messages.map((m) => m.seq)).toEqual(logged.map((e) => e.seq));
    expect(feed.messages.some((m) => m.type === "job:canceled")).toBe(true);
    feed.close();
  });

  it("acks complete, then closes the channel as finished", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    expect(await channel.request({ type: "complete", id: "done" })).toMatchObject({ type: "ack", id: "done" });
    expect(await channel.waitFor((m) => m.type === "closing")).toMatchObject({ code: CHANNEL_CLOSE.finished });
    expect((await getJob(created.job.id)).status).toBe("completed");
  });

  it("closes a stale attempt's socket with its code when the job moves to a new attempt", async () => {
    const created = await createJob({ max_attempts: 3 });
    const channel = await openChannel(created);
    await channel.request({ type: "error", id: "e", error: "GPU lost", retryable: true });
    expect(await channel.waitFor((m) => m.type === "closing")).toMatchObject({ code: CHANNEL_CLOSE.superseded });
    // The old token can no longer open a channel.
    const again = await channelUpgrade(created);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "stale_attempt" }, attempt: 2 });
  });

  it("replaces an older socket of the same attempt", async () => {
    const created = await createJob();
    const older = await openChannel(created);
    const newer = await openChannel(created);
    expect(await older.waitFor((m) => m.type === "closing")).toMatchObject({ code: CHANNEL_CLOSE.replaced });
    expect(await newer.request({ type: "heartbeat", id: "h" })).toMatchObject({ type: "ack" });
    newer.close();
  });

  it("refuses an upgrade without a valid callback token, and a plain GET", async () => {
    const created = await createJob();
    expect((await channelUpgrade(created, "1.forged")).status).toBe(401);
    const plain = await api(`/api/jobs/${created.job.id}/callbacks/ws`, { headers: { authorization: `Bearer ${created.callback.token}` } });
    expect(plain.status).toBe(426);
  });

  it("keeps both HTTP callbacks and the channel on one state machine", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    await channel.request({ type: "progress", id: "c1", percent: 30 });
    const http = await callback(created, "progress", { percent: 20 });
    expect(http.body.error?.code).toBe("progress_regressed");
    expect((await callback(created, "progress", { percent: 50 })).status).toBe(200);
    expect(await channel.request({ type: "progress", id: "c2", percent: 45 })).toMatchObject({ code: "progress_regressed" });
    channel.close();
  });

  it("acks and delivers a report after hibernation with a worker socket and browser sockets open", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    const feeds = [await openFeed(created.job.id), await openFeed(created.job.id)];
    await channel.request({ type: "progress", id: "before", percent: 10 });
    for (const feed of feeds) await feed.waitFor((m) => m.type === "job:progress");

    await evictDurableObject(jobStub(created.job.id), { webSockets: "hibernate" });

    const ack = await channel.request({ type: "progress", id: "after", percent: 90 });
    expect(ack).toMatchObject({ type: "ack", id: "after" });
    for (const feed of feeds) {
      const got = await feed.waitFor((m) => m.type === "job:progress" && m.job.progress.percent === 90);
      // The same seq, or the next one when the report came within the coalescing interval and the alarm published it.
      expect(got.seq - (ack as { seq: number }).seq).toBeGreaterThanOrEqual(0);
      expect(got.seq - (ack as { seq: number }).seq).toBeLessThanOrEqual(1);
      feed.close();
    }
    channel.close();
  });

  it("bounds the remembered ids", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    const n = CHANNEL_LIMITS.rememberedIds + 150;
    for (let i = 0; i < n; i++) channel.send({ type: "heartbeat", id: `h${i}` });
    await channel.waitFor((m) => m.type === "ack" && m.id === `h${n - 1}`, 20_000);
    const kept = await runInDurableObject(jobStub(created.job.id), (_o, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM channel_ids").one().n,
    );
    expect(kept).toBeGreaterThanOrEqual(CHANNEL_LIMITS.rememberedIds);
    expect(kept).toBeLessThan(CHANNEL_LIMITS.rememberedIds + 100);
    channel.close();
  }, 30_000);

  it("sends browsers a snapshot-consistent feed: seq rises by one", async () => {
    const created = await createJob();
    const feed = await openFeed(created.job.id);
    await feed.waitFor(ofType("job:snapshot"));
    const channel = await openChannel(created);
    for (let i = 1; i <= 5; i++) await channel.request({ type: "progress", id: `p${i}`, percent: i * 10 });
    await channel.request({ type: "complete", id: "c" });
    await feed.waitFor(ofType("job:completed"));
    const seqs = feed.messages.map((m) => ("seq" in m ? m.seq : -1));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    feed.close();
  });
});
