import { describe, expect, it } from "vitest";
import { createJobState, type JobState } from "../../workers/jobs/job";
import { jobDeleteAt, nextRetentionAt, outputDeleteAt, retentionDue } from "../../workers/jobs/retention";

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;
const DEFAULTS = { outputRetentionMs: 168 * HOUR, jobRetentionMs: 30 * 24 * HOUR };
const output = { key: "k", size: 1, contentType: "image/gif", filename: "f.gif", etag: '"e"', uploadedAt: T0 };

function job(overrides: Partial<JobState> = {}): JobState {
  const spec = { id: "job_aaaaaaaaaaaaaaaaaaaaaaaaaa", owner: "default", kind: "gif", inputJson: "{}", origin: "https://t.test" };
  return { ...createJobState({ ...spec, maxAttempts: 3, heartbeatTimeoutMs: 60_000 }, T0), ...overrides };
}

const completed = (overrides: Partial<JobState> = {}) => job({ status: "completed", finishedAt: T0, output, ...overrides });

describe("retention rules", () => {
  it("deletes a finished job's output first, then the job", () => {
    expect(outputDeleteAt(completed(), DEFAULTS)).toBe(T0 + 168 * HOUR);
    expect(jobDeleteAt(completed(), DEFAULTS)).toBe(T0 + 720 * HOUR);
    expect(nextRetentionAt(completed(), DEFAULTS)).toBe(T0 + 168 * HOUR);
    expect(retentionDue(completed(), T0 + 168 * HOUR, DEFAULTS)).toBe("delete_output");
    expect(retentionDue(completed(), T0 + 720 * HOUR, DEFAULTS)).toBe("delete_job");
  });

  it("has nothing due for an unfinished job", () => {
    const running = job({ status: "running", output, finishedAt: null });
    expect(nextRetentionAt(running, DEFAULTS)).toBeNull();
    expect(retentionDue(running, T0 + 10_000 * HOUR, DEFAULTS)).toBeNull();
  });

  it("follows the job's own settings over the deployment's, 0 keeping forever", () => {
    const own = completed({ outputRetentionMs: HOUR, jobRetentionMs: 0 });
    expect(outputDeleteAt(own, DEFAULTS)).toBe(T0 + HOUR);
    expect(jobDeleteAt(own, DEFAULTS)).toBeNull();
  });

  it("is done with an output once it is deleted", () => {
    expect(outputDeleteAt(completed({ outputDeletedAt: T0 + HOUR }), DEFAULTS)).toBeNull();
  });
});
