import { describe, expect, it } from "vitest";
import type { BatchEvent, BatchSnapshotMessage, CreateBatchResponse, ErrorBody, ViewerTokenResponse } from "../../workers/protocol";
import { batchStub, createBatch, openBatchFeed } from "../batch-helpers";
import { api, callback, createJob, postJson, withKey } from "../helpers";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function batchToken(batchId: string): Promise<string> {
  const res = await postJson("/api/viewer-tokens", { batch_id: batchId }, withKey());
  expect(res.status).toBe(201);
  const body = await res.json<ViewerTokenResponse>();
  expect(body).toMatchObject({ batch_id: batchId, job_id: null });
  return body.token;
}

const isEvent = (m: { type: string }): m is BatchEvent => m.type.startsWith("batch:") && m.type !== "batch:snapshot";

describe("the batch socket", () => {
  it("sends a snapshot of the batch and every member first", async () => {
    const created = await createBatch(3);
    const feed = await openBatchFeed(created.batch.id);
    const snapshot = (await feed.waitFor((m) => m.type === "batch:snapshot")) as BatchSnapshotMessage;
    expect(snapshot).toMatchObject({ batch_id: created.batch.id, seq: 0, batch: { total: 3, status: "running" } });
    expect(snapshot.jobs.map((j) => j.id)).toEqual(created.jobs.map((j) => j.job.id));
    feed.close();
  });

  it("pushes batch:job and batch:progress with their own seq, then batch:completed", async () => {
    const created = await createBatch(2);
    const feed = await openBatchFeed(created.batch.id);
    await feed.waitFor((m) => m.type === "batch:snapshot");
    await callback(created.jobs[0]!, "progress", { percent: 50 });
    await feed.waitFor((m) => m.type === "batch:job");
    await callback(created.jobs[0]!, "complete");
    await callback(created.jobs[1]!, "complete");
    const done = await feed.waitFor((m) => m.type === "batch:completed");
    expect(done).toMatchObject({ batch: { status: "completed", progress: { percent: 100 } } });
    const events = feed.messages.filter(isEvent);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === "batch:completed")).toHaveLength(1);
    feed.close();
  });

  it("resumes with since: only the events after it, in order", async () => {
    const created = await createBatch(3);
    const first = await openBatchFeed(created.batch.id);
    await first.waitFor((m) => m.type === "batch:snapshot");
    await callback(created.jobs[0]!, "progress", { percent: 10 });
    const seen = (await first.waitFor((m) => m.type === "batch:job")) as BatchEvent;
    first.close();
    // Missed while away.
    await callback(created.jobs[1]!, "progress", { percent: 20 });
    await callback(created.jobs[2]!, "progress", { percent: 30 });
    await callback(created.jobs[0]!, "complete");
    const again = await openBatchFeed(created.batch.id, `?since=${seen.seq}`);
    await again.waitFor((m) => isEvent(m) && m.type === "batch:job" && m.job.status === "completed");
    const events = again.messages.filter(isEvent);
    expect(again.messages.some((m) => m.type === "batch:snapshot")).toBe(false);
    expect(events.map((e) => e.seq)).toEqual([seen.seq + 1, seen.seq + 2, seen.seq + 3]);
    expect(events.map((e) => e.type === "batch:job" && e.job.id)).toEqual(
      [1, 2, 0].map((i) => created.jobs[i]!.job.id),
    );
    again.close();
  });

  it("answers a batch:sync message with what came after its seq", async () => {
    const created = await createBatch(1);
    const feed = await openBatchFeed(created.batch.id);
    await feed.waitFor((m) => m.type === "batch:snapshot");
    await callback(created.jobs[0]!, "progress", { percent: 10 });
    await feed.waitFor((m) => m.type === "batch:job");
    feed.ws.send(JSON.stringify({ type: "batch:sync", since: 0 }));
    await feed.waitFor((m) => isEvent(m) && feed.messages.filter(isEvent).length === 2);
    expect(feed.messages.filter(isEvent).map((e) => e.seq)).toEqual([1, 1]);
    feed.ws.send("nonsense");
    expect(await feed.waitFor((m) => m.type === "error")).toMatchObject({ error: { code: "bad_message" } });
    feed.close();
  });

  it("keeps its sockets and its aggregate across an eviction (hibernation)", async () => {
    const { evictDurableObject } = await import("cloudflare:test");
    const created = await createBatch(2);
    const feed = await openBatchFeed(created.batch.id);
    await feed.waitFor((m) => m.type === "batch:snapshot");
    await callback(created.jobs[0]!, "complete");
    await feed.waitFor((m) => m.type === "batch:job");
    await evictDurableObject(batchStub(created.batch.id), { webSockets: "hibernate" });
    await callback(created.jobs[1]!, "complete");
    const done = await feed.waitFor((m) => m.type === "batch:completed");
    expect(done).toMatchObject({ seq: 3, batch: { counts: { completed: 2 } } });
    feed.close();
  });

  it("needs a WebSocket upgrade", async () => {
    const created = await createBatch(1);
    expect((await api(`/api/batches/${created.batch.id}/ws`, { headers: withKey() })).status).toBe(426);
  });
});

describe("batch-scoped viewer tokens", () => {
  let batch: CreateBatchResponse;
  let token: string;

  it("read that batch, its socket and its members", async () => {
    batch = await createBatch(2);
    token = await batchToken(batch.batch.id);
    expect((await api(`/api/batches/${batch.batch.id}`, { headers: bearer(token) })).status).toBe(200);
    for (const j of batch.jobs) {
      expect((await api(`/api/jobs/${j.job.id}`, { headers: bearer(token) })).status).toBe(200);
      expect((await api(`/api/jobs/${j.job.id}/events`, { headers: bearer(token) })).status).toBe(200);
    }
    const feed = await openBatchFeed(batch.batch.id, `?token=${token}`, {});
    await feed.waitFor((m) => m.type === "batch:snapshot");
    feed.close();
    const memberSocket = await api(`/api/jobs/${batch.jobs[0]!.job.id}/ws?token=${token}`, { headers: { upgrade: "websocket" } });
    expect(memberSocket.status).toBe(101);
    memberSocket.webSocket!.accept();
    memberSocket.webSocket!.close(1000, "done");
  });

  it("read nothing else: another job, another batch, the list, the feed", async () => {
    const alone = await createJob();
    const other = await createBatch(1);
    const notFound = async (path: string) => {
      const res = await api(path, { headers: bearer(token) });
      expect(res.status).toBe(404);
      return (await res.json<ErrorBody>()).error.code;
    };
    expect(await notFound(`/api/jobs/${alone.job.id}`)).toBe("job_not_found");
    expect(await notFound(`/api/jobs/${other.jobs[0]!.job.id}`)).toBe("job_not_found");
    expect(await notFound(`/api/batches/${other.batch.id}`)).toBe("batch_not_found");
    const list = await api("/api/jobs", { headers: bearer(token) });
    expect(list.status).toBe(403);
    expect((await list.json<ErrorBody>()).error.code).toBe("token_scope");
    const feed = await api(`/api/feed/ws?token=${token}`, { headers: { upgrade: "websocket" } });
    expect(feed.status).toBe(403);
    const otherSocket = await api(`/api/batches/${other.batch.id}/ws?token=${token}`, { headers: { upgrade: "websocket" } });
    expect(otherSocket.status).toBe(404);
  });

  it("write nothing", async () => {
    const res = await api(`/api/batches/${batch.batch.id}/cancel`, { method: "POST", headers: bearer(token) });
    expect(res.status).toBe(403);
    expect((await res.json<ErrorBody>()).error.code).toBe("read_only_token");
  });

  it("are minted only for the owner's own batch", async () => {
    const res = await postJson("/api/viewer-tokens", { batch_id: batch.batch.id }, { authorization: `Bearer ${"sk_test_other_owner_key_0123456789"}` });
    expect(res.status).toBe(404);
    const both = await postJson("/api/viewer-tokens", { batch_id: batch.batch.id, job_id: batch.jobs[0]!.job.id }, withKey());
    expect(both.status).toBe(400);
  });

  it("an owner-scoped token reads any of the owner's batches", async () => {
    const res = await postJson("/api/viewer-tokens", {}, withKey());
    const owner = (await res.json<ViewerTokenResponse>()).token;
    expect((await api(`/api/batches/${batch.batch.id}`, { headers: bearer(owner) })).status).toBe(200);
  });
});
