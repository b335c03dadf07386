import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { findJobRow } from "../../workers/db/jobs";
import { callback, createJob, getJob, jobStub } from "../helpers";

/**
 * D1 counts its own writes: triggers on the jobs table add a row per insert
 * or update that actually lands, so the count is what D1 did, not what the
 * object believes it did.
 */
beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare("CREATE TABLE IF NOT EXISTS mirror_writes (job_id TEXT NOT NULL)"),
    env.DB.prepare(
      "CREATE TRIGGER IF NOT EXISTS count_inserts AFTER INSERT ON jobs BEGIN INSERT INTO mirror_writes VALUES (NEW.id); END",
    ),
    env.DB.prepare(
      "CREATE TRIGGER IF NOT EXISTS count_updates AFTER UPDATE ON jobs BEGIN INSERT INTO mirror_writes VALUES (NEW.id); END",
    ),
  ]);
});

/** Failed D1 writes the job's object has recorded for a retry. */
async function mirrorFailures(id: string): Promise<number> {
  return runInDurableObject(jobStub(id), (_o, state) =>
    state.storage.sql.exec<{ failures: number }>("SELECT failures FROM effects WHERE kind = 'd1-mirror'").one().failures,
  );
}

async function writesFor(id: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM mirror_writes WHERE job_id = ?").bind(id).first<{ n: number }>();
  return row!.n;
}

describe("D1 mirror", () => {
  it("writes a job's creation and each status change at once", async () => {
    const created = await createJob();
    expect(await findJobRow(env.DB, created.job.id)).toMatchObject({ status: "queued", attempt: 1, progress: 0 });
    await callback(created, "error", { error: "no GPU", retryable: true });
    expect(await findJobRow(env.DB, created.job.id)).toMatchObject({ status: "queued", attempt: 2, error: "no GPU" });
  });

  it("coalesces a burst of progress into about one write a second, then writes the final value", async () => {
    const created = await createJob();
    const id = created.job.id;
    await callback(created, "progress", { percent: 1 });
    const started = Date.now();
    for (let i = 2; i <= 50; i++) await callback(created, "progress", { percent: i });
    const elapsedSeconds = (Date.now() - started) / 1000;

    // Creation and the start are status changes; the 49 reports may add one write per started second.
    const duringBurst = await writesFor(id);
    expect(duringBurst).toBeLessThanOrEqual(2 + Math.ceil(elapsedSeconds));

    await vi.waitFor(
      async () => expect((await findJobRow(env.DB, id))?.progress).toBe(50),
      { timeout: 5000, interval: 200 },
    );
    expect(await writesFor(id)).toBeLessThanOrEqual(duringBurst + 1);
  });

  it("never lets an older write replace a newer row", async () => {
    const created = await createJob();
    await callback(created, "complete", {});
    const row = (await findJobRow(env.DB, created.job.id))!;
    const { upsertJobRow } = await import("../../workers/db/jobs");
    await upsertJobRow(env.DB, { ...row, status: "running", version: row.version - 1 });
    expect((await findJobRow(env.DB, created.job.id))?.status).toBe("completed");
  });

  it("updates a row's changing columns and keeps those it has from its creation", async () => {
    const created = await createJob();
    const row = (await findJobRow(env.DB, created.job.id))!;
    const { upsertJobRow } = await import("../../workers/db/jobs");
    const later = { ...row, status: "running" as const, progress: 40, stage: "encode", updatedAt: row.updatedAt + 1, version: row.version + 1 };
    await upsertJobRow(env.DB, { ...later, owner: "someone-else", kind: "other", createdAt: 1 });
    expect(await findJobRow(env.DB, created.job.id)).toEqual(later);
  });

  it("keeps serving while D1 fails and converges once it is back", async () => {
    const created = await createJob();
    const id = created.job.id;
    await env.DB.exec("ALTER TABLE jobs RENAME TO jobs_offline");
    try {
      const res = await callback(created, "complete", { message: "rendered" });
      expect(res.status).toBe(200);
      expect((await getJob(id)).status).toBe("completed");
      // The write runs after the answer: wait until it has failed (and is kept for a retry).
      await vi.waitFor(async () => expect(await mirrorFailures(id)).toBeGreaterThan(0));
    } finally {
      await env.DB.exec("ALTER TABLE jobs_offline RENAME TO jobs");
    }

    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(jobStub(id));
        expect((await findJobRow(env.DB, id))?.status).toBe("completed");
      },
      { timeout: 8000, interval: 300 },
    );
  });
});
