/**
 * GET /api/jobs/:id/events: the job's event log for the console's timeline,
 * and the list's kind filter and id search.
 */
import { describe, expect, it } from "vitest";
import type { EventLogResponse, ListJobsResponse } from "../../workers/protocol";
import { env } from "cloudflare:workers";
import { api, callback, createJob, withKey } from "../helpers";

const OTHER_KEY_HEADERS = { authorization: `Bearer ${env.OTHER_API_KEY}` };

describe("the event log route", () => {
  it("answers every event oldest first, with reasons and refused callbacks", async () => {
    const created = await createJob();
    await callback(created, "progress", { percent: 30 });
    await callback(created, "error", { error: "spot instance reclaimed", retryable: true });
    await callback(created, "heartbeat"); // the old attempt's token: refused and logged
    const res = await api(`/api/jobs/${created.job.id}/events`, { headers: withKey() });
    expect(res.status).toBe(200);
    const { events, next_since } = (await res.json()) as EventLogResponse;
    expect(next_since).toBeNull();
    expect(events.map((e) => e.type)).toEqual([
      "job:created",
      "job:started",
      "job:progress",
      "job:requeued",
      "job:callback_refused",
    ]);
    expect(events.find((e) => e.type === "job:requeued")).toMatchObject({ reason: expect.stringContaining("spot instance reclaimed") });
    expect(events.find((e) => e.type === "job:callback_refused")).toMatchObject({ code: "stale_attempt", attempt: 1 });
  });

  it("pages with since and limit", async () => {
    const created = await createJob();
    for (const percent of [10, 20, 30]) await callback(created, "progress", { percent });
    const first = (await (await api(`/api/jobs/${created.job.id}/events?limit=2`, { headers: withKey() })).json()) as EventLogResponse;
    expect(first.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.next_since).toBe(2);
    const rest = (await (await api(`/api/jobs/${created.job.id}/events?since=2`, { headers: withKey() })).json()) as EventLogResponse;
    expect(rest.events[0]!.seq).toBe(3);
  });

  it("answers 404 for an unknown job and for another owner's", async () => {
    const created = await createJob();
    expect((await api("/api/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa/events", { headers: withKey() })).status).toBe(404);
    expect((await api(`/api/jobs/${created.job.id}/events`, { headers: OTHER_KEY_HEADERS })).status).toBe(404);
  });
});

describe("the list's filters", () => {
  const list = async (query: string) =>
    ((await (await api(`/api/jobs?${query}`, { headers: withKey() })).json()) as ListJobsResponse).jobs;

  it("filters by kind", async () => {
    const gif = await createJob({ kind: "gif.filter-test" });
    await createJob({ kind: "other.filter-test" });
    expect((await list("kind=gif.filter-test")).map((j) => j.id)).toEqual([gif.job.id]);
  });

  it("finds a job by part of its id", async () => {
    const created = await createJob();
    const part = created.job.id.slice(6, 16);
    expect((await list(`q=${part}`)).map((j) => j.id)).toEqual([created.job.id]);
  });

  it("refuses a search that is not part of an id", async () => {
    expect((await api("/api/jobs?q=%25", { headers: withKey() })).status).toBe(400);
  });
});
