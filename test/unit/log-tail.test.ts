/** The browser's fold of job:log messages into the tail it shows. */
import { describe, expect, it } from "vitest";
import { appendLogTail, logResumeSeq } from "../../packages/client/src/log-tail";
import type { LogLine } from "../../workers/protocol";

const line = (log_seq: number): LogLine => ({ log_seq, at: "2030-01-01T00:00:00.000Z", text: `line ${log_seq}` });

describe("the log tail", () => {
  it("appends new lines in log_seq order", () => {
    expect(appendLogTail([line(1)], [line(3), line(2)]).map((l) => l.log_seq)).toEqual([1, 2, 3]);
  });

  it("drops lines a resume sent again, returning the same tail", () => {
    const tail = [line(1), line(2)];
    expect(appendLogTail(tail, [line(1), line(2)])).toBe(tail);
  });

  it("keeps only the newest lines past its limit", () => {
    const tail = appendLogTail([], Array.from({ length: 10 }, (_, i) => line(i + 1)), 4);
    expect(tail.map((l) => l.log_seq)).toEqual([7, 8, 9, 10]);
  });

  it("resumes from the newest log_seq, or asks for the tail when empty", () => {
    expect(logResumeSeq([])).toBeNull();
    expect(logResumeSeq([line(4), line(5)])).toBe(5);
  });
});
