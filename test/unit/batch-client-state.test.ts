/**
 * The client's batch fold: snapshot first, then events newer than the seq
 * held; repeats and stale member rows never move the state back.
 */
import { describe, expect, it } from "vitest";
import type { BatchMember, BatchServerMessage, BatchView } from "../../workers/protocol";
import { applyBatchMessage, INITIAL_BATCH_STATE, resumeBatchSeq } from "../../packages/client/src/batch-state";

const AT = "2030-01-01T00:00:00.000Z";

const view = (percent: number, status: BatchView["status"] = "running"): BatchView => ({
  id: "bat_1",
  status,
  total: 2,
  counts: { queued: 0, running: 2, completed: 0, failed: 0, canceled: 0 },
  progress: { percent, eta_seconds: null, weighted_by: "jobs" },
  first_error: null,
  metadata: null,
  created_at: AT,
  updated_at: AT,
  finished_at: null,
});

const member = (index: number, seq: number, percent: number): BatchMember => ({
  id: `job_${index}`,
  index,
  kind: "video.render",
  status: "running",
  attempt: 1,
  progress: { percent, done: null, total: null, eta_seconds: null },
  error: null,
  seq,
  updated_at: AT,
  finished_at: null,
});

const snapshot: BatchServerMessage = {
  type: "batch:snapshot",
  batch_id: "bat_1",
  seq: 3,
  at: AT,
  batch: view(10),
  jobs: [member(0, 2, 10), member(1, 2, 10)],
};

const progress = (seq: number, m: BatchMember, percent: number): BatchServerMessage => ({
  type: "batch:progress",
  batch_id: "bat_1",
  seq,
  at: AT,
  batch: view(percent),
  job: m,
});

describe("batch client state", () => {
  it("takes the snapshot, then an event newer than its seq", () => {
    const s1 = applyBatchMessage(INITIAL_BATCH_STATE, snapshot);
    const s2 = applyBatchMessage(s1, progress(4, member(1, 5, 60), 35));
    expect(s2.seq).toBe(4);
    expect(s2.batch!.progress.percent).toBe(35);
    expect(s2.jobs.map((j) => j.progress.percent)).toEqual([10, 60]);
    expect(resumeBatchSeq(s2)).toBe(4);
  });

  it("drops a repeated event", () => {
    const s1 = applyBatchMessage(applyBatchMessage(INITIAL_BATCH_STATE, snapshot), progress(4, member(1, 5, 60), 35));
    expect(applyBatchMessage(s1, progress(4, member(1, 5, 60), 35))).toBe(s1);
    expect(applyBatchMessage(s1, progress(2, member(0, 1, 0), 0))).toBe(s1);
  });

  it("keeps a member row newer than the one an event carries", () => {
    const s1 = applyBatchMessage(INITIAL_BATCH_STATE, snapshot);
    const s2 = applyBatchMessage(s1, progress(4, member(0, 1, 0), 10));
    expect(s2.jobs[0]!.progress.percent).toBe(10);
  });

  it("asks for a snapshot until it has one", () => {
    expect(resumeBatchSeq(INITIAL_BATCH_STATE)).toBeNull();
  });
});
