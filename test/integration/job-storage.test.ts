/**
 * The job object's own row: the input (up to 64 KiB, never changed) is kept apart from the state
 * that every update rewrites, and an object stored before that split is migrated on its next load.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { JobStore } from "../../workers/jobs/job-store";
import { callback, createJob, getJob, jobStub } from "../helpers";

const BIG_INPUT = { frames: 240, notes: "x".repeat(60 * 1024) };

const jobRow = (id: string) =>
  runInDurableObject(jobStub(id), (_o, state) =>
    state.storage.sql.exec<{ state: string; input_json: string | null }>("SELECT state, input_json FROM job").one(),
  );

describe("the job's stored row", () => {
  it("keeps the input out of the state an update rewrites", async () => {
    const created = await createJob({ input: BIG_INPUT });
    expect((await callback(created, "progress", { percent: 5 })).status).toBe(200);
    const row = await jobRow(created.job.id);
    expect(row.state.length).toBeLessThan(4 * 1024);
    expect(row.state).not.toContain("inputJson");
    expect(JSON.parse(row.input_json!)).toEqual(BIG_INPUT);
  });

  it("gives the input back after the object was evicted and loaded again", async () => {
    const created = await createJob({ input: BIG_INPUT });
    await evictDurableObject(jobStub(created.job.id));
    expect((await getJob(created.job.id)).input).toEqual(BIG_INPUT);
  });

  it("migrates a job stored with its input inside the state", async () => {
    const created = await createJob({ input: { frames: 12 } });
    await runInDurableObject(jobStub(created.job.id), (_o, state) => {
      // The row as schema version 4 wrote it.
      state.storage.sql.exec("UPDATE job SET state = json_set(state, '$.inputJson', input_json)");
      state.storage.sql.exec("ALTER TABLE job DROP COLUMN input_json");
      state.storage.sql.exec("UPDATE schema_version SET version = 4");
    });
    await evictDurableObject(jobStub(created.job.id));
    expect((await getJob(created.job.id)).input).toEqual({ frames: 12 });
    expect((await callback(created, "progress", { percent: 50 })).status).toBe(200);
    const row = await jobRow(created.job.id);
    expect(row.state).not.toContain("inputJson");
    expect(JSON.parse(row.input_json!)).toEqual({ frames: 12 });
  });
});

describe("the events an instance keeps for its effects", () => {
  const refuse = (id: string) =>
    jobStub(id).recordRefusedCallback({ callback: "progress", status: 401, code: "bad_token", message: "test", attempt: null });
  /** The object's eventsBetween(after, upTo), and how many SELECTs it ran for them. */
  const eventsBetween = (id: string, after: number, upTo: number) =>
    runInDurableObject(jobStub(id), (instance) => {
      const store = (instance as unknown as { store: JobStore }).store;
      const before = store.reads;
      const events = store.eventsBetween(after, upTo).map((e) => ({ seq: e.event.seq, type: e.type, text: e.text }));
      return { events, reads: store.reads - before };
    });

  it("gives the newest committed events from memory, without reading the log", async () => {
    const created = await createJob();
    for (let i = 0; i < 5; i++) await refuse(created.job.id);
    const { events, reads } = await eventsBetween(created.job.id, 2, 6);
    expect(events.map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    expect(reads).toBe(0);
  });

  it("reads older events back from the log, in order and whole", async () => {
    const created = await createJob();
    for (let i = 0; i < 100; i++) await refuse(created.job.id);
    const { events, reads } = await eventsBetween(created.job.id, 0, 101);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    expect(events[0]!.type).toBe("job:created");
    expect(events.slice(1).every((e) => e.type === "job:callback_refused" && JSON.parse(e.text).seq > 1)).toBe(true);
    expect(reads).toBe(1);
  }, 30_000);
});
