import { describe, expect, it } from "vitest";
import { maxRunningFor, mayStart, parseOwnerLimits, waitReason } from "../../workers/dispatch/owner-limit";

describe("the per-owner running limit", () => {
  it("takes an owner's own limit over the deployment default", () => {
    const overrides = parseOwnerLimits("acme=50, trial=2");
    expect(maxRunningFor("trial", 20, overrides)).toBe(2);
    expect(maxRunningFor("someone", 20, overrides)).toBe(20);
  });

  it("lets a job start below the limit only, and always when the limit is 0", () => {
    expect(mayStart(1, 2)).toBe(true);
    expect(mayStart(2, 2)).toBe(false);
    expect(mayStart(500, 0)).toBe(true);
  });

  it("says a job waits for the limit first, then for its retry time, then for a worker", () => {
    expect(waitReason(2, 2, 0, 10)).toBe("owner_limit");
    expect(waitReason(1, 2, 20, 10)).toBe("retry_backoff");
    expect(waitReason(1, 2, 5, 10)).toBe("waiting_for_worker");
  });

  it("refuses a malformed OWNER_MAX_RUNNING entry", () => {
    expect(() => parseOwnerLimits("acme:5")).toThrow(/owner=number/);
    expect(parseOwnerLimits("").size).toBe(0);
  });
});
