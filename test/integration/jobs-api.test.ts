import { describe, expect, it } from "vitest";
import type { JobSummary, ListJobsResponse, StatsResponse } from "../../workers/protocol";
import { api, callback, createJob, getJob, postJson, withKey } from "../helpers";

describe("POST /api/jobs", () => {
  it("creates a queued job with its callback credentials and links", async () => {
    const created = await createJob({ kind: "video.render", input: { scene: "intro" } });
    expect(created.job).toMatchObject({ kind: "video.render", status: "queued", attempt: 1, input: { scene: "intro" } });
    expect(created.job.id).toMatch(/^job_[a-z2-7]{26}$/);
    expect(created.callback.url).toBe(`https://tracker.test/api/jobs/${created.job.id}/callbacks`);
    expect(created.callback.attempt).toBe(1);
    expect(created.links).toEqual({
      self: `https://tracker.test/api/jobs/${created.job.id}`,
      ws: `wss://tracker.test/api/jobs/${created.job.id}/ws`,
    });
  });

  it("returns the same job for a repeated Idempotency-Key", async () => {
    const first = await createJob({ input: { n: 1 } }, { "idempotency-key": "order-42" });
    const res = await postJson("/api/jobs", { kind: "video.render", input: { n: 1 } }, withKey({ "idempotency-key": "order-42" }));
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBe("true");
    const second = await res.json<{ job: { id: string; created_at: string } }>();
    expect(second.job.id).toBe(first.job.id);
    expect(second.job.created_at).toBe(first.job.created_at);
  });

  it("refuses an Idempotency-Key reused with a different body", async () => {
    await createJob({ input: { n: 1 } }, { "idempotency-key": "order-43" });
    const res = await postJson("/api/jobs", { kind: "video.render", input: { n: 2 } }, withKey({ "idempotency-key": "order-43" }));
    expect(res.status).toBe(409);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("idempotency_key_reused");
  });

  it("takes max_attempts and heartbeat_timeout_seconds per job", async () => {
    const created = await createJob({ max_attempts: 5, heartbeat_timeout_seconds: 120 });
    expect(created.job.max_attempts).toBe(5);
    expect(created.job.heartbeat_timeout_seconds).toBe(120);
  });
});

describe("GET /api/jobs/:id and /callback", () => {
  it("reads the job from its object", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 30, stage: "render" });
    const job = await getJob(created.job.id);
    expect(job).toMatchObject({ status: "running", progress: { percent: 30, stage: "render" } });
  });

  it("hands the creator the current attempt's callback credentials", async () => {
    const created = await createJob();
    const res = await api(`/api/jobs/${created.job.id}/callback`, { headers: withKey() });
    expect(await res.json()).toEqual(created.callback);
  });

  it("answers 404 for a job that does not exist", async () => {
    const res = await api("/api/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa", { headers: withKey() });
    expect(res.status).toBe(404);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("job_not_found");
  });
});

describe("POST /api/jobs/:id/cancel and /retry", () => {
  it("cancels a running job and tells its worker on the next callback", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 10 });
    const res = await postJson(`/api/jobs/${created.job.id}/cancel`, { reason: "user closed the tab" }, withKey());
    expect(res.status).toBe(200);
    expect((await res.json<{ job: { status: string } }>()).job.status).toBe("canceled");
    const next = await callback(created, "heartbeat");
    expect(next.status).toBe(409);
    expect(next.body).toMatchObject({ ok: false, canceled: true, status: "canceled" });
  });

  it("refuses to cancel a job that already finished", async () => {
    const created = await createJob();
    await callback(created, "complete", {});
    const res = await api(`/api/jobs/${created.job.id}/cancel`, { method: "POST", headers: withKey() });
    expect(res.status).toBe(409);
    expect((await getJob(created.job.id)).status).toBe("completed");
  });

  it("retries a failed job as a new attempt with a new token", async () => {
    const created = await createJob();
    await callback(created, "error", { error: "CUDA out of memory" });
    const res = await api(`/api/jobs/${created.job.id}/retry`, { method: "POST", headers: withKey() });
    expect(res.status).toBe(200);
    const body = await res.json<{ job: { status: string; attempt: number }; callback: { token: string } }>();
    expect(body.job).toMatchObject({ status: "queued", attempt: 2 });
    expect(body.callback.token).not.toBe(created.callback.token);
    expect((await callback(created, "heartbeat", undefined, body.callback.token)).status).toBe(200);
  });
});

describe("GET /api/jobs (from D1)", () => {
  it("lists every job once, newest first, across cursor pages", async () => {
    const kind = "list.test";
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createJob({ kind })).job.id);

    const seen: JobSummary[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(`/api/jobs?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { headers: withKey() });
      const page: ListJobsResponse = await res.json();
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs);
      cursor = page.next_cursor;
    } while (cursor);
    const mine = seen.filter((j) => j.kind === kind).map((j) => j.id);
    expect(mine.sort()).toEqual([...ids].sort());
    expect(new Set(seen.map((j) => j.id)).size).toBe(seen.length);
    const order = seen.map((j) => `${j.created_at} ${j.id}`);
    expect(order).toEqual([...order].sort().reverse());
  });

  it("filters the list by status", async () => {
    const done = await createJob({ kind: "filter.test" });
    await createJob({ kind: "filter.test" });
    await callback(done, "complete", {});
    const completed: ListJobsResponse = await (await api("/api/jobs?status=completed&limit=100", { headers: withKey() })).json();
    expect(completed.jobs.map((j) => j.id)).toContain(done.job.id);
    expect(completed.jobs.every((j) => j.status === "completed")).toBe(true);
  });

  it("rejects an unknown status filter and a forged cursor", async () => {
    expect((await api("/api/jobs?status=sleeping", { headers: withKey() })).status).toBe(400);
    expect((await api("/api/jobs?cursor=bm9wZQ", { headers: withKey() })).status).toBe(400);
  });
});

describe("health and stats", () => {
  it("answers /health without credentials", async () => {
    const res = await api("/health");
    expect(await res.json()).toEqual({ ok: true });
  });

  it("counts jobs by status", async () => {
    const before: StatsResponse = await (await api("/api/stats", { headers: withKey() })).json();
    const created = await createJob();
    await callback(created, "error", { error: "bad input" });
    const after: StatsResponse = await (await api("/api/stats", { headers: withKey() })).json();
    expect(after.jobs.total).toBe(before.jobs.total + 1);
    expect(after.jobs.by_status.failed).toBe(before.jobs.by_status.failed + 1);
  });
});
