import { describe, expect, it } from "vitest";
import { capLogLine, takeLogLines } from "../../workers/channel/log-lines";
import { parseWorkerFrame, toWorkerCommand } from "../../workers/channel/worker-frames";
import { CHANNEL_LIMITS } from "../../workers/protocol";

describe("reading a worker's channel frame", () => {
  it("reads a progress report into the same command as the HTTP callback", () => {
    const parsed = parseWorkerFrame(JSON.stringify({ type: "progress", id: "a", done: 2, total: 4, stage: "s" }));
    if (!parsed.ok) throw new Error(parsed.refused.message);
    expect(toWorkerCommand(parsed.report, 3)).toEqual({ type: "progress", attempt: 3, report: { done: 2, total: 4, stage: "s" } });
  });

  it("refuses progress with neither percent nor units, keeping its id", () => {
    expect(parseWorkerFrame(JSON.stringify({ type: "progress", id: "x" }))).toMatchObject({ ok: false, refused: { id: "x", code: "bad_message" } });
  });

  it("refuses a frame over the size limit counted in UTF-8 bytes", () => {
    const text = JSON.stringify({ type: "log", id: "l", lines: ["é".repeat(CHANNEL_LIMITS.maxMessageBytes / 2)] });
    expect(text.length).toBeLessThan(CHANNEL_LIMITS.maxMessageBytes + 100);
    expect(parseWorkerFrame(text)).toMatchObject({ ok: false, refused: { code: "message_too_large" } });
  });
});

describe("log lines", () => {
  it("cuts a long line to the byte cap on a character boundary", () => {
    const line = capLogLine("€".repeat(2000));
    expect(new TextEncoder().encode(line).byteLength).toBeLessThanOrEqual(CHANNEL_LIMITS.maxLogLineBytes);
    expect(line.endsWith("…")).toBe(true);
    expect(line).not.toContain("\uFFFD");
  });

  it("refuses a message past the rate and refills with time", () => {
    const full = { tokens: CHANNEL_LIMITS.logBurstLines, refilledAt: 0 };
    const drained = takeLogLines(full, CHANNEL_LIMITS.logBurstLines, 0);
    if (!drained.ok) throw new Error("the burst should pass");
    expect(takeLogLines(drained.bucket, 10, 0)).toMatchObject({ ok: false });
    expect(takeLogLines(drained.bucket, 10, 1000).ok).toBe(true);
  });
});
