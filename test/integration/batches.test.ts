import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { memberChangeOf } from "../../workers/effects/batch-member-notice";
import type { BatchView, CreateJobResponse, ErrorBody, Job } from "../../workers/protocol";
import { batchStub, createBatch, getBatch, item } from "../batch-helpers";
import { api, callback, getJob, jobStub, postJson, withKey } from "../helpers";

async function countJobRows(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs").first<{ n: number }>())!.n;
}

describe("POST /api/batches", () => {
  it("creates the batch and its jobs in the order given, each as POST /api/jobs answers it", async () => {
    const created = await createBatch([item(0), item(1, { kind: "image.render", priority: 5 }), item(2)], {}, { metadata: { reel: 7 } });
    expect(created.batch).toMatchObject({
      status: "running",
      total: 3,
      counts: { queued: 3, running: 0, completed: 0, failed: 0, canceled: 0 },
      progress: { percent: 0, eta_seconds: null, weighted_by: "jobs" },
      metadata: { reel: 7 },
    });
    expect(created.batch.id).toMatch(/^bat_[a-z2-7]{26}$/);
    expect(created.jobs.map((j) => j.job.input)).toEqual([{ clip: 0 }, { clip: 1 }, { clip: 2 }]);
    expect(created.jobs[1]!.job).toMatchObject({ kind: "image.render", status: "queued", batch_id: created.batch.id });
    expect(created.jobs[0]!.callback.url).toBe(`https://tracker.test/api/jobs/${created.jobs[0]!.job.id}/callbacks`);
    expect(created.links.ws).toBe(`wss://tracker.test/api/batches/${created.batch.id}/ws`);
    expect((await getJob(created.jobs[2]!.job.id)).batch_id).toBe(created.batch.id);
  });

  it("refuses the whole request when one item is invalid, naming its index, and creates nothing", async () => {
    const before = await countJobRows();
    const res = await postJson("/api/batches", { jobs: [item(0), item(1), { kind: "Bad Kind!" }] }, withKey());
    expect(res.status).toBe(400);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe("invalid_body");
    expect(body.error.message).toMatch(/^jobs\.2\.kind: /);
    expect(await countJobRows()).toBe(before);
  });

  it("refuses an oversized input naming its index, creating nothing", async () => {
    const before = await countJobRows();
    const res = await postJson("/api/batches", { jobs: [item(0), item(1, { input: { blob: "x".repeat(70_000) } })] }, withKey());
    expect(res.status).toBe(413);
    expect((await res.json<ErrorBody>()).error.message).toMatch(/^jobs\.1\.input/);
    expect(await countJobRows()).toBe(before);
  });

  it("refuses an empty batch and one of more than 500 jobs", async () => {
    expect((await postJson("/api/batches", { jobs: [] }, withKey())).status).toBe(400);
    const tooMany = Array.from({ length: 501 }, () => ({ kind: "k" }));
    expect((await postJson("/api/batches", { jobs: tooMany }, withKey())).status).toBe(400);
  });

  it("returns the same batch and jobs for a repeated Idempotency-Key, and 409 for another body", async () => {
    const first = await createBatch(2, { "idempotency-key": "reel-1" });
    const again = await postJson("/api/batches", { jobs: [item(0), item(1)] }, withKey({ "idempotency-key": "reel-1" }));
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const body = await again.json<{ batch: { id: string }; jobs: CreateJobResponse[] }>();
    expect(body.batch.id).toBe(first.batch.id);
    expect(body.jobs.map((j) => j.job.id)).toEqual(first.jobs.map((j) => j.job.id));
    const other = await postJson("/api/batches", { jobs: [item(5)] }, withKey({ "idempotency-key": "reel-1" }));
    expect(other.status).toBe(409);
    expect((await other.json<ErrorBody>()).error.code).toBe("idempotency_key_reused");
  });

  it("answers 404 for an unknown or malformed batch id, and for another owner's batch", async () => {
    const created = await createBatch(1);
    expect((await api("/api/batches/bat_aaaaaaaaaaaaaaaaaaaaaaaaaa", { headers: withKey() })).status).toBe(404);
    expect((await api("/api/batches/nope", { headers: withKey() })).status).toBe(404);
    const other = await api(`/api/batches/${created.batch.id}`, { headers: { authorization: `Bearer ${env.OTHER_API_KEY}` } });
    expect(other.status).toBe(404);
    expect((await other.json<ErrorBody>()).error.code).toBe("batch_not_found");
  });
});

describe("GET /api/batches/:id", () => {
  it("pages the members in their order", async () => {
    const created = await createBatch(5);
    const first = await getBatch(created.batch.id, "?limit=2");
    expect(first.jobs.map((j) => j.index)).toEqual([0, 1]);
    expect(first.next_cursor).toBe("2");
    const last = await getBatch(created.batch.id, "?limit=3&cursor=2");
    expect(last.jobs.map((j) => j.id)).toEqual(created.jobs.slice(2).map((j) => j.job.id));
    expect(last.next_cursor).toBeNull();
  });
});

describe("the aggregate", () => {
  it("is exact after members complete, fail, are retried and canceled in shuffled order, with duplicated notices", async () => {
    const created = await createBatch(6);
    const [a, b, c, d, e, f] = created.jobs as [CreateJobResponse, ...CreateJobResponse[]] & CreateJobResponse[];
    // Shuffled: some start, progress, finish, fail, are canceled, in an interleaved order.
    await callback(d!, "progress", { done: 2, total: 10 });
    await callback(a, "progress", { percent: 40 });
    await callback(b!, "error", { error: "out of memory", retryable: false });
    await postJson(`/api/jobs/${e!.job.id}/cancel`, { reason: "not needed" }, withKey());
    await callback(a, "complete");
    await callback(c!, "progress", { percent: 10 });
    await callback(f!, "error", { error: "bad codec", retryable: false });

    // Callbacks answer before their effects run: wait for the last notices to land.
    await settled(created.batch.id, (b) => b.counts.failed === 2 && b.counts.completed === 1 && b.counts.running === 2);

    // Duplicated and late notices: every member's current change again, and an old one.
    const stub = batchStub(created.batch.id);
    for (const j of created.jobs) {
      const job = await jobStub(j.job.id).read();
      const { seq } = await eventSeq(j.job.id);
      expect((await stub.memberChanged(memberChangeOf(job!, seq))).applied).toBe(false);
    }
    const aNow = (await jobStub(a.job.id).read())!;
    expect((await stub.memberChanged({ ...memberChangeOf(aNow, 1), status: "running" })).applied).toBe(false);

    let batch = (await getBatch(created.batch.id)).batch;
    expect(batch.counts).toEqual({ queued: 0, running: 2, completed: 1, failed: 2, canceled: 1 });
    // By job: (100 + 0 + 10 + 20 + 0 + 0) / 6 = 21.67; b and f never reported progress.
    expect(batch.progress).toMatchObject({ percent: 21.7, weighted_by: "jobs" });
    expect(batch.first_error).toMatchObject({ job_id: b!.job.id, message: "out of memory" });

    // The batch's retry re-queues the two failed members only.
    const retry = await postJson(`/api/batches/${created.batch.id}/retry`, {}, withKey());
    expect(retry.status).toBe(200);
    expect((await retry.json<{ affected: number }>()).affected).toBe(2);
    batch = (await getBatch(created.batch.id)).batch;
    expect(batch.counts).toEqual({ queued: 2, running: 2, completed: 1, failed: 0, canceled: 1 });
    expect(batch.first_error).toBeNull();

    // Everything still open finishes; the batch says so once, with the members' truth.
    for (const j of [b!, c!, d!, f!]) {
      const current = await (await api(`/api/jobs/${j.job.id}/callback`, { headers: withKey() })).json<{ token: string }>();
      await callback(j, "complete", undefined, current.token);
    }
    await settled(created.batch.id, (b) => b.status !== "running");
    const final = await getBatch(created.batch.id);
    expect(final.batch).toMatchObject({ status: "finished", counts: { queued: 0, running: 0, completed: 5, failed: 0, canceled: 1 } });
    expect(final.batch.finished_at).not.toBeNull();
    const truth = await Promise.all(created.jobs.map((j) => getJob(j.job.id)));
    expect(final.jobs.map((m) => m.status)).toEqual(truth.map((j: Job) => j.status));
  });

  it("weights by units once every member reports done/total, and completes at 100", async () => {
    const created = await createBatch(2);
    const [a, b] = created.jobs as [CreateJobResponse, CreateJobResponse];
    await callback(a, "progress", { done: 5, total: 10 });
    await callback(b, "progress", { done: 30, total: 90 });
    const partway = await settled(created.batch.id, (b) => b.counts.running === 2);
    expect(partway.progress).toMatchObject({ percent: 35, weighted_by: "units" });
    await callback(a, "complete");
    await callback(b, "complete");
    const done = await settled(created.batch.id, (b) => b.status !== "running");
    expect(done).toMatchObject({ status: "completed", progress: { percent: 100 } });
  });
});

describe("POST /api/batches/:id/cancel", () => {
  it("reaches every running member's worker", async () => {
    const created = await createBatch(4);
    const running = created.jobs.slice(0, 3);
    for (const j of running) await callback(j, "heartbeat");
    await callback(created.jobs[3]!, "complete");
    await settled(created.batch.id, (b) => b.counts.completed === 1);
    const res = await postJson(`/api/batches/${created.batch.id}/cancel`, { reason: "customer left" }, withKey());
    expect(res.status).toBe(200);
    const body = await res.json<{ affected: number; batch: { status: string; counts: Record<string, number> } }>();
    expect(body.affected).toBe(3);
    expect(body.batch).toMatchObject({ status: "finished", counts: { canceled: 3, completed: 1 } });
    for (const j of running) {
      const answer = await callback(j, "progress", { percent: 50 });
      expect(answer.body.canceled).toBe(true);
    }
    expect((await getJob(created.jobs[3]!.job.id)).status).toBe("completed");
  });

  it("needs an API key", async () => {
    const created = await createBatch(1);
    const res = await api(`/api/batches/${created.batch.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(401);
  });
});

/** The batch once `ready` holds (its members' notices run after their callbacks answer). */
async function settled(id: string, ready: (batch: BatchView) => boolean): Promise<BatchView> {
  return vi.waitFor(
    async () => {
      const { batch } = await getBatch(id);
      if (!ready(batch)) throw new Error(`batch not there yet: ${JSON.stringify(batch.counts)}`);
      return batch;
    },
    { timeout: 10_000, interval: 50 },
  );
}

async function eventSeq(jobId: string): Promise<{ seq: number }> {
  const { runInDurableObject } = await import("cloudflare:test");
  return runInDurableObject(jobStub(jobId), (_i, state) =>
    state.storage.sql.exec<{ seq: number }>("SELECT seq FROM job WHERE id = 1").one(),
  );
}

describe("the member notice", () => {
  it("is retried from the job's alarm until the batch takes it", async () => {
    const { runDurableObjectAlarm } = await import("cloudflare:test");
    const created = await createBatch(1);
    const member = created.jobs[0]!;
    // The batch refuses notices for a while (as an unreachable object would).
    const { BatchState } = await import("../../workers/batches/batch-state");
    const refuse = vi.spyOn(BatchState.prototype, "memberChanged").mockRejectedValue(new Error("batch unreachable"));
    await callback(member, "complete");
    await vi.waitFor(() => expect(refuse).toHaveBeenCalled());
    refuse.mockRestore();
    expect((await getBatch(created.batch.id)).batch.counts.completed).toBe(0);
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(jobStub(member.job.id));
        expect((await getBatch(created.batch.id)).batch).toMatchObject({ status: "completed", counts: { completed: 1 } });
      },
      { timeout: 8000, interval: 300 },
    );
  });
});

describe("the D1 mirror of members", () => {
  it("lists each member with its batch id", async () => {
    const created = await createBatch(2);
    const res = await api(`/api/jobs?q=${created.jobs[1]!.job.id.slice(4)}`, { headers: withKey() });
    const body = await res.json<{ jobs: { id: string; batch_id: string | null }[] }>();
    expect(body.jobs).toEqual([expect.objectContaining({ id: created.jobs[1]!.job.id, batch_id: created.batch.id })]);
  });
});

describe("the creation rate limit", () => {
  async function limitedKey() {
    const { recordFor } = await import("../../workers/auth/api-keys");
    const { insertApiKey } = await import("../../workers/db/api-keys");
    const key = await recordFor(`sk_test_batch_${crypto.randomUUID().replace(/-/g, "").slice(0, 18)}`, "default", "rate", Date.now());
    await insertApiKey(env.DB, key.row);
    const limited = { ...env, JOBS_PER_MINUTE: "3" } as Env;
    const { createExecutionContext } = await import("cloudflare:test");
    const { app } = await import("../../workers/app");
    return (path: string, body: unknown) =>
      app.fetch(
        new Request(`https://tracker.test${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        limited,
        createExecutionContext(),
      );
  }

  it("takes a batch as one request against the burst, then its jobs against the budget", async () => {
    const post = await limitedKey();
    // Five jobs with a budget of three a minute: accepted, since one token was there.
    expect((await post("/api/batches", { jobs: [0, 1, 2, 3, 4].map((i) => item(i)) })).status).toBe(201);
    // The bucket now owes two jobs: the next creation waits until it has refilled.
    const next = await post("/api/jobs", { kind: "video.render" });
    expect(next.status).toBe(429);
    expect(Number(next.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
  });

  it("charges nothing for an invalid batch", async () => {
    const post = await limitedKey();
    expect((await post("/api/batches", { jobs: [{ kind: "Not A Kind" }] })).status).toBe(400);
    for (let i = 0; i < 3; i++) expect((await post("/api/jobs", { kind: "video.render" })).status).toBe(201);
  });
});
