/**
 * The request log: one line per request, except a worker's accepted routine reports (the job's
 * event log holds those); refusals and every other route are still logged.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { api, callback, createJob, withKey } from "../helpers";

let logSpy: MockInstance<typeof console.log>;
beforeEach(() => {
  logSpy = vi.spyOn(console, "log");
});
afterEach(() => logSpy.mockRestore());

/** The request lines written since the spy was set, as objects. */
function requestLines(): { path: string; status: number }[] {
  return logSpy.mock.calls
    .map(([line]) => (typeof line === "string" && line.startsWith("{") ? JSON.parse(line) : null))
    .filter((entry) => entry?.event === "request");
}

describe("request log", () => {
  it("leaves out a worker's accepted progress and heartbeat", async () => {
    const job = await createJob();
    logSpy.mockClear();
    expect((await callback(job, "progress", { percent: 10 })).status).toBe(200);
    expect((await callback(job, "heartbeat")).status).toBe(200);
    expect(requestLines()).toEqual([]);
  });

  it("logs a refused progress report with its status", async () => {
    const job = await createJob();
    logSpy.mockClear();
    expect((await callback(job, "progress", { percent: 10 }, "1.not-the-token")).status).toBe(401);
    expect(requestLines()).toMatchObject([{ path: `/api/jobs/${job.job.id}/callbacks/progress`, status: 401 }]);
  });

  it("logs every other route, without its query string", async () => {
    const job = await createJob();
    logSpy.mockClear();
    await api(`/api/jobs/${job.job.id}?fields=all`, { headers: withKey() });
    expect(requestLines()).toMatchObject([{ path: `/api/jobs/${job.job.id}`, status: 200 }]);
  });
});
