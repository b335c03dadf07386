import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { EVENT_LOG_LIMIT } from "../../workers/jobs/job-store";
import type { ServerMessage } from "../../workers/protocol";
import { api, callback, createJob, jobStub, openFeed, postJson, sleep, uploadOutput, withKey } from "../helpers";

const ofType = (type: ServerMessage["type"]) => (m: ServerMessage) => m.type === type;

describe("job feed over WebSocket", () => {
  it("sends a snapshot on connect, then every change as it happens", async () => {
    const created = await createJob();
    const feed = await openFeed(created.job.id);
    const snapshot = await feed.waitFor(ofType("job:snapshot"));
    expect(snapshot).toMatchObject({ job_id: created.job.id, seq: 1, job: { status: "queued" } });

    await callback(created, "progress", { percent: 42, stage: "render" });
    const progress = await feed.waitFor(ofType("job:progress"));
    expect(progress).toMatchObject({ job_id: created.job.id, job: { status: "running", progress: { percent: 42, stage: "render" } } });
    expect(feed.messages.map((m) => m.type)).toEqual(["job:snapshot", "job:started", "job:progress"]);
    expect(feed.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    feed.close();
  });

  it("carries a download link in the completed message", async () => {
    const created = await createJob();
    const feed = await openFeed(created.job.id);
    await uploadOutput(created, new TextEncoder().encode("frames"), "video/mp4");
    await callback(created, "complete", {});
    const completed = await feed.waitFor(ofType("job:completed"));
    if (completed.type !== "job:completed") throw new Error("unreachable");
    expect(completed.job.download?.url).toMatch(/\/download\?expires=\d+&sig=/);
    const link = new URL(completed.job.download!.url);
    const file = await api(link.pathname + link.search);
    expect(new TextDecoder().decode(await file.arrayBuffer())).toBe("frames");
    feed.close();
  });

  it("resumes with ?since= by sending only the missed events", async () => {
    const created = await createJob();
    // Status events, which the browser rate rule for progress never holds back.
    await callback(created, "progress", { percent: 10 });
    await callback(created, "error", { error: "spot instance reclaimed", retryable: true });
    await postJson(`/api/jobs/${created.job.id}/cancel`, {}, withKey());
    const feed = await openFeed(created.job.id, "?since=3");
    await feed.waitFor((m) => m.seq === 5);
    await sleep(50);
    expect(feed.messages.map((m) => [m.type, m.seq])).toEqual([
      ["job:requeued", 4],
      ["job:canceled", 5],
    ]);
    feed.close();
  });

  it("sends a fresh snapshot when the missed events have left the log", async () => {
    const created = await createJob();
    const stub = jobStub(created.job.id);
    // Events the browser rate rule for progress never holds back: refused callbacks, logged one each.
    for (let i = 1; i <= EVENT_LOG_LIMIT + 5; i++) {
      await stub.recordRefusedCallback({ callback: "progress", status: 401, code: "bad_token", message: "test", attempt: null });
    }
    const feed = await openFeed(created.job.id, "?since=2");
    const first = await feed.waitFor(() => true);
    expect(first.type).toBe("job:snapshot");
    expect(first.seq).toBe(EVENT_LOG_LIMIT + 5 + 1);
    const kept = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n,
    );
    expect(kept).toBe(EVENT_LOG_LIMIT);
    feed.close();
    // A thousand sequential calls: on a shared, loaded machine this passes the default 5 s.
  }, 30_000);

  it("keeps pushing to its sockets after the object is evicted, with its state intact", async () => {
    const created = await createJob();
    const feed = await openFeed(created.job.id);
    await callback(created, "progress", { percent: 25 });
    await feed.waitFor((m) => m.type === "job:progress");

    await evictDurableObject(jobStub(created.job.id), { webSockets: "hibernate" });

    await callback(created, "progress", { percent: 75 });
    const after = await feed.waitFor((m) => m.type === "job:progress" && m.job.progress.percent === 75);
    expect(after.seq).toBe(4);
    expect(after.job.status).toBe("running");
    feed.close();
  });

  it("answers ping with pong while the object is hibernated", async () => {
    const created = await createJob();
    const feed = await openFeed(created.job.id);
    await feed.waitFor(ofType("job:snapshot"));
    await evictDurableObject(jobStub(created.job.id), { webSockets: "hibernate" });
    const pong = new Promise<string>((resolve) =>
      feed.ws.addEventListener("message", (e) => e.data === "pong" && resolve(e.data as string)),
    );
    feed.ws.send("ping");
    expect(await Promise.race([pong, sleep(2000).then(() => "timeout")])).toBe("pong");
  });

  it("resyncs on a job:sync message and reports a malformed one", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 10 });
    const feed = await openFeed(created.job.id);
    await feed.waitFor(ofType("job:snapshot"));
    feed.ws.send(JSON.stringify({ type: "job:sync", since: 1 }));
    await feed.waitFor(ofType("job:progress"));
    feed.ws.send("{not json");
    const error = await feed.waitFor(ofType("error"));
    expect(error).toMatchObject({ type: "error", error: { code: "bad_message" } });
    feed.close();
  });

  it("refuses a plain GET on the socket route and an unknown job", async () => {
    const created = await createJob();
    expect((await api(`/api/jobs/${created.job.id}/ws`, { headers: withKey() })).status).toBe(426);
    const res = await api("/api/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa/ws", { headers: withKey({ upgrade: "websocket" }) });
    expect(res.status).toBe(404);
  });
});
