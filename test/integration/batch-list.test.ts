/**
 * The owner's list of batches: GET /api/batches from the D1 mirror each
 * batch's object writes after its commits, and `feed:batch` rows on the owner
 * feed that keep a list live.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { signViewerToken } from "../../workers/auth/viewer-token";
import type { ErrorBody, FeedMessage, ListBatchesResponse } from "../../workers/protocol";
import { createBatch } from "../batch-helpers";
import { api, callback } from "../helpers";
import { collectMessages } from "../socket-messages";
import { newOwner } from "../webhook-helpers";

async function listBatches(query: string, auth: Record<string, string>): Promise<ListBatchesResponse> {
  const res = await api(`/api/batches${query}`, { headers: auth });
  expect(res.status).toBe(200);
  return res.json();
}

describe("GET /api/batches", () => {
  it("lists the owner's batches newest first, paged, with their counts and bar", async () => {
    const owner = await newOwner();
    const older = await createBatch(2, owner.auth);
    const newer = await createBatch(3, owner.auth);
    const first = await listBatches("?limit=1", owner.auth);
    expect(first.batches.map((b) => b.id)).toEqual([newer.batch.id]);
    expect(first.batches[0]).toMatchObject({ status: "running", total: 3, percent: 0, counts: { queued: 3 } });
    const second = await listBatches(`?limit=1&cursor=${first.next_cursor}`, owner.auth);
    expect(second.batches.map((b) => b.id)).toEqual([older.batch.id]);
    expect(second.next_cursor).toBeNull();
  });

  it("follows the batch as its members finish, and filters by status", async () => {
    const owner = await newOwner();
    const created = await createBatch(2, owner.auth);
    for (const j of created.jobs) expect((await callback(j, "complete")).status).toBe(200);
    await vi.waitFor(async () => expect((await listBatches("?status=completed", owner.auth)).batches).toHaveLength(1), { timeout: 10_000 });
    const [row] = (await listBatches("", owner.auth)).batches;
    expect(row).toMatchObject({ id: created.batch.id, status: "completed", percent: 100, counts: { completed: 2, queued: 0 } });
    expect(row!.finished_at).not.toBeNull();
    expect((await listBatches("?status=running", owner.auth)).batches).toEqual([]);
  });

  it("shows another owner none of them", async () => {
    const owner = await newOwner();
    await createBatch(1, owner.auth);
    expect((await listBatches("", (await newOwner()).auth)).batches).toEqual([]);
  });

  it("refuses a bad cursor or status with 400, and a batch-scoped viewer token with 403", async () => {
    const owner = await newOwner();
    const created = await createBatch(1, owner.auth);
    const bad = await api("/api/batches?cursor=nope!", { headers: owner.auth });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).error.code).toBe("invalid_cursor");
    expect((await api("/api/batches?status=queued", { headers: owner.auth })).status).toBe(400);
    const scoped = await signViewerToken(env.SIGNING_SECRET, { owner: owner.owner, jobId: null, batchId: created.batch.id, expiresAt: Date.now() + 60_000 });
    const res = await api("/api/batches", { headers: { authorization: `Bearer ${scoped}` } });
    expect(res.status).toBe(403);
  });
});

describe("feed:batch", () => {
  it("pushes a batch's list row to its owner's feed when it is created and when its counts change", async () => {
    const owner = await newOwner();
    const token = await signViewerToken(env.SIGNING_SECRET, { owner: owner.owner, jobId: null, expiresAt: Date.now() + 60_000 });
    const res = await api(`/api/feed/ws?token=${token}`, { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    ws.accept();
    const feed = collectMessages<FeedMessage>(ws, 10_000);
    const created = await createBatch(2, owner.auth);
    const isBatch = (m: FeedMessage, status: string, completed: number) =>
      m.type === "feed:batch" && m.batch.id === created.batch.id && m.batch.status === status && m.batch.counts.completed === completed;
    await feed.waitFor((m) => isBatch(m, "running", 0));
    expect((await callback(created.jobs[0]!, "complete")).status).toBe(200);
    const partway = await feed.waitFor((m) => isBatch(m, "running", 1));
    expect(partway).toMatchObject({ batch: { percent: 50 } });
    expect((await callback(created.jobs[1]!, "complete")).status).toBe(200);
    const done = await feed.waitFor((m) => isBatch(m, "completed", 2));
    expect(done.seq).toBeGreaterThan(partway.seq);
    ws.close(1000, "done");
  });
});
