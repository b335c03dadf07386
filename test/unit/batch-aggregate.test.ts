import { describe, expect, it } from "vitest";
import { aggregate } from "../../workers/batches/aggregate";
import { noticeMember, type BatchRecord } from "../../workers/batches/batch";
import { applyMemberChange, seedMember, type MemberChange, type MemberState } from "../../workers/batches/member";

const T0 = Date.UTC(2030, 0, 1);

const member = (i: number, over: Partial<MemberState> = {}): MemberState => ({
  ...seedMember(`job_${i}`, i, "video.render", T0),
  ...over,
});

const change = (m: MemberState, over: Partial<MemberChange>): MemberChange => {
  const { index: _index, kind: _kind, ...rest } = m;
  return { ...rest, ...over };
};

const BATCH: BatchRecord = {
  id: "bat_x",
  owner: "default",
  metadata: null,
  origin: "https://tracker.test",
  createdAt: T0,
  updatedAt: T0,
  finishedAt: null,
};

describe("batch aggregate", () => {
  it("counts members by status", () => {
    const members = [
      member(0),
      member(1, { status: "running" }),
      member(2, { status: "completed" }),
      member(3, { status: "failed" }),
      member(4, { status: "canceled" }),
      member(5, { status: "completed" }),
    ];
    expect(aggregate(members).counts).toEqual({ queued: 1, running: 1, completed: 2, failed: 1, canceled: 1 });
  });

  it("weights the percent by job when some member reports no units", () => {
    const members = [member(0, { status: "running", percent: 50 }), member(1, { status: "completed", percent: 80 }), member(2)];
    expect(aggregate(members)).toMatchObject({ percent: 50, weightedBy: "jobs" });
  });

  it("weights the percent by units when every member reports done/total", () => {
    const members = [
      member(0, { status: "running", percent: 50, done: 10, total: 20 }),
      member(1, { status: "running", percent: 10, done: 8, total: 80 }),
    ];
    // (10 + 8) / (20 + 80), not the mean of 50 and 10.
    expect(aggregate(members)).toMatchObject({ percent: 18, weightedBy: "units" });
  });

  it("counts a completed member as its whole total", () => {
    const members = [
      member(0, { status: "completed", percent: 100, done: 30, total: 40 }),
      member(1, { status: "running", done: 0, total: 60 }),
    ];
    expect(aggregate(members).percent).toBe(40);
  });

  it("reaches 100 only when every member completed", () => {
    const almost = [member(0, { status: "completed" }), member(1, { status: "running", percent: 99.99 })];
    expect(aggregate(almost).percent).toBe(99.9);
    const done = [member(0, { status: "completed" }), member(1, { status: "completed" })];
    expect(aggregate(done).percent).toBe(100);
  });

  it("takes the ETA of the slowest running member and ignores finished ones", () => {
    const members = [
      member(0, { status: "running", etaSeconds: 12 }),
      member(1, { status: "running", etaSeconds: 40 }),
      member(2, { status: "running", etaSeconds: null }),
      member(3, { status: "completed", etaSeconds: 400 }),
    ];
    expect(aggregate(members).etaSeconds).toBe(40);
    expect(aggregate([member(0)]).etaSeconds).toBeNull();
  });

  it("names the earliest failure among the members failed now", () => {
    const members = [
      member(0, { status: "failed", error: { message: "late", at: T0 + 2000 } }),
      member(1, { status: "failed", error: { message: "early", at: T0 + 1000 } }),
      member(2, { status: "running" }),
    ];
    expect(aggregate(members).firstError).toEqual({ jobId: "job_1", message: "early", at: T0 + 1000 });
    expect(aggregate([member(0, { status: "completed" })]).firstError).toBeNull();
  });

  it("is running while any member is unfinished, then completed or finished", () => {
    expect(aggregate([member(0, { status: "completed" }), member(1)]).status).toBe("running");
    expect(aggregate([member(0, { status: "completed" })]).status).toBe("completed");
    expect(aggregate([member(0, { status: "completed" }), member(1, { status: "canceled" })]).status).toBe("finished");
  });
});

describe("member changes", () => {
  it("applies a change newer than the member's seq", () => {
    const m = member(0);
    expect(applyMemberChange(m, change(m, { seq: 3, status: "running" }))).toMatchObject({ seq: 3, status: "running" });
  });

  it("ignores a duplicated or out-of-order change", () => {
    const m = member(0, { seq: 5, status: "completed" });
    expect(applyMemberChange(m, change(m, { seq: 5, status: "completed" }))).toBe(m);
    expect(applyMemberChange(m, change(m, { seq: 3, status: "running" }))).toBe(m);
  });

  it("raises batch:job for a status change and batch:progress for progress", () => {
    const members = [member(0), member(1)];
    const started = noticeMember(BATCH, members, change(members[0]!, { seq: 2, status: "running" }), T0);
    expect(started.changed && started.events.map((e) => e.type)).toEqual(["batch:job"]);
    const running = [member(0, { seq: 2, status: "running" }), member(1)];
    const moved = noticeMember(BATCH, running, change(running[0]!, { seq: 3, percent: 40 }), T0);
    expect(moved.changed && moved.events.map((e) => e.type)).toEqual(["batch:progress"]);
  });

  it("raises batch:completed once when the last member completes", () => {
    const members = [member(0, { seq: 4, status: "completed" }), member(1, { seq: 3, status: "running" })];
    const last = change(members[1]!, { seq: 4, status: "completed", finishedAt: T0 + 5 });
    const done = noticeMember(BATCH, members, last, T0 + 5);
    expect(done.changed && done.events.map((e) => e.type)).toEqual(["batch:job", "batch:completed"]);
    expect(done.changed && done.batch.finishedAt).toBe(T0 + 5);
    const after = [members[0]!, done.changed ? done.member : members[1]!];
    expect(noticeMember(BATCH, after, last, T0 + 6)).toEqual({ changed: false });
  });

  it("raises batch:finished when the last member fails", () => {
    const members = [member(0, { seq: 4, status: "completed" }), member(1, { seq: 3, status: "running" })];
    const failed = change(members[1]!, { seq: 4, status: "failed", error: { message: "oom", at: T0 } });
    const notice = noticeMember(BATCH, members, failed, T0);
    expect(notice.changed && notice.events.map((e) => e.type)).toEqual(["batch:job", "batch:finished"]);
  });

  it("ignores a change for a job that is not a member", () => {
    const stranger = change(member(9), { seq: 2, status: "running" });
    expect(noticeMember(BATCH, [member(0)], stranger, T0)).toEqual({ changed: false });
  });

  it("ends with the same aggregate whatever the order and repetition of the notices", () => {
    const seeded = [0, 1, 2, 3].map((i) => member(i));
    const finals: MemberChange[] = [
      change(seeded[0]!, { seq: 2, status: "running", percent: 30 }),
      change(seeded[0]!, { seq: 5, status: "completed", percent: 100 }),
      change(seeded[1]!, { seq: 3, status: "failed", error: { message: "x", at: T0 } }),
      change(seeded[2]!, { seq: 2, status: "canceled" }),
      change(seeded[3]!, { seq: 2, status: "running", percent: 60 }),
    ];
    const fold = (notices: MemberChange[]) => {
      let members = seeded;
      for (const n of notices) {
        const r = noticeMember(BATCH, members, n, T0);
        if (r.changed) members = members.map((m) => (m.jobId === r.member.jobId ? r.member : m));
      }
      return aggregate(members);
    };
    const expected = fold(finals);
    const shuffled = [finals[4]!, finals[1]!, finals[0]!, finals[3]!, finals[1]!, finals[2]!, finals[0]!, finals[2]!];
    expect(fold(shuffled)).toEqual(expected);
    expect(expected).toMatchObject({
      counts: { queued: 0, running: 1, completed: 1, failed: 1, canceled: 1 },
      percent: 40, // (100 + 0 + 0 + 60) / 4
    });
  });
});
