/** The bench's verdicts: a figure against its target, as `npm run bench` prints PASS or MISS. */
import { describe, expect, it } from "vitest";
import { ratio, verdict, type Figure } from "../../scripts/bench/scenarios/figures";

const figure = (floor: number | null, tracker: number | null, goal?: Figure["goal"]): Figure => ({
  scenario: "s",
  label: "l",
  unit: "ms",
  floor,
  tracker,
  ...(goal && { goal }),
});

describe("bench verdicts", () => {
  it("a latency ratio at or under its bound passes and one above misses", () => {
    expect(verdict(figure(10, 11.5, { ratioAtMost: 1.15 }))).toBe("PASS");
    expect(verdict(figure(10, 11.6, { ratioAtMost: 1.15 }))).toBe("MISS");
  });

  it("a throughput ratio under its floor misses", () => {
    expect(verdict(figure(500, 400, { ratioAtLeast: 0.85 }))).toBe("MISS");
    expect(verdict(figure(500, 450, { ratioAtLeast: 0.85 }))).toBe("PASS");
  });

  it("an absolute bound judges the tracker's figure alone", () => {
    expect(verdict(figure(null, 0.2, { trackerAtMost: 0.2 }))).toBe("PASS");
    expect(verdict(figure(null, 1, { trackerAtMost: 0.2 }))).toBe("MISS");
  });

  it("a ratio with a missing or zero floor is no ratio, and misses its target", () => {
    expect(ratio(figure(0, 5))).toBeNull();
    expect(verdict(figure(null, 5, { ratioAtMost: 1.2 }))).toBe("MISS");
  });
});
