/**
 * The browser client's fold of server messages: snapshot then events, each
 * applied once, in seq order, whatever a reconnect replays.
 */
import { describe, expect, it } from "vitest";
import type { Job, ServerMessage } from "../../workers/protocol";
import { applyServerMessage, INITIAL_JOB_STATE, resumeSeq } from "../../packages/client/src/job-state";
import { jobView } from "../job-fixture";

const JOB: Job = jobView({ status: "running" });
const at = "2030-01-01T00:00:01.000Z";
const withPercent = (percent: number, status: Job["status"] = "running"): Job => ({
  ...JOB,
  status,
  progress: { ...JOB.progress, percent },
});
const snapshot = (seq: number, job = JOB): ServerMessage => ({ type: "job:snapshot", job_id: "job_a", seq, at, job });
const progress = (seq: number, percent: number): ServerMessage => ({
  type: "job:progress",
  job_id: "job_a",
  seq,
  at,
  job: withPercent(percent),
});
const fold = (messages: ServerMessage[]) => messages.reduce(applyServerMessage, INITIAL_JOB_STATE);

describe("applyServerMessage", () => {
  it("starts from a snapshot and applies newer events in order", () => {
    const state = fold([snapshot(2), progress(3, 10), progress(4, 20)]);
    expect(state.seq).toBe(4);
    expect(state.job?.progress.percent).toBe(20);
    expect(state.lastType).toBe("job:progress");
  });

  it("never applies an event twice, nor an older one after a newer", () => {
    const once = fold([snapshot(2), progress(3, 10), progress(4, 20)]);
    expect(applyServerMessage(once, progress(4, 20))).toBe(once);
    expect(applyServerMessage(once, progress(3, 10))).toBe(once);
  });

  it("keeps the terminal state when a stale snapshot arrives late", () => {
    const done: ServerMessage = { type: "job:completed", job_id: "job_a", seq: 5, at, job: withPercent(100, "completed") };
    const state = fold([snapshot(2), done, snapshot(3, withPercent(50))]);
    expect(state.job?.status).toBe("completed");
    expect(state.seq).toBe(5);
  });

  it("takes a snapshot at or after its seq, as after a resume past the log", () => {
    const state = fold([snapshot(2), snapshot(9, withPercent(90))]);
    expect(state.job?.progress.percent).toBe(90);
  });

  it("ignores another job's messages and records protocol errors", () => {
    const state = fold([snapshot(1)]);
    expect(applyServerMessage(state, { ...progress(5, 50), job_id: "job_b" } as ServerMessage)).toBe(state);
    const error: ServerMessage = { type: "error", job_id: "job_a", seq: 1, error: { code: "bad_message", message: "no" } };
    expect(applyServerMessage(state, error).error?.code).toBe("bad_message");
  });

  it("resumes from the last seq, or asks for a snapshot when it has nothing", () => {
    expect(resumeSeq(INITIAL_JOB_STATE)).toBeNull();
    expect(resumeSeq(fold([snapshot(0)]))).toBe(0);
    expect(resumeSeq(fold([snapshot(2), progress(3, 10)]))).toBe(3);
  });
});
