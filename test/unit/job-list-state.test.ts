/**
 * The browser's live job list: fetched pages merged with owner-feed rows,
 * each row only ever moving forward, filtered by status.
 */
import { describe, expect, it } from "vitest";
import type { FeedJobMessage, JobSummary } from "../../workers/protocol";
import { applyFeedMessage, applyPage, emptyJobList } from "../../packages/client/src/job-list-state";

const row = (id: string, minute: number, patch: Partial<JobSummary> = {}): JobSummary => ({
  id,
  kind: "video.render",
  status: "queued",
  progress: 0,
  stage: null,
  attempt: 1,
  error: null,
  output_size: null,
  output_type: null,
  created_at: `2030-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`,
  updated_at: `2030-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`,
  finished_at: null,
  ...patch,
});
const feed = (seq: number, job: JobSummary): FeedJobMessage => ({ type: "feed:job", seq, at: job.updated_at, job });
const ids = (rows: JobSummary[]) => rows.map((r) => r.id);

describe("job list state", () => {
  it("lists a page newest first and appends the next one", () => {
    let state = applyPage(emptyJobList(), { jobs: [row("b", 2), row("a", 1)], next_cursor: "c1" }, false);
    state = applyPage(state, { jobs: [row("z", 0)], next_cursor: null }, true);
    expect(ids(state.rows)).toEqual(["b", "a", "z"]);
    expect(state.nextCursor).toBeNull();
  });

  it("inserts a new job at the top and updates a row in place, dropping stale feed messages", () => {
    let state = applyPage(emptyJobList(), { jobs: [row("a", 1)], next_cursor: null }, false);
    state = applyFeedMessage(state, feed(1, row("b", 2)));
    state = applyFeedMessage(state, feed(3, row("a", 1, { status: "running", progress: 40, updated_at: "2030-01-01T00:05:00.000Z" })));
    const stale = applyFeedMessage(state, feed(2, row("a", 1, { progress: 10 })));
    expect(stale).toBe(state);
    expect(ids(state.rows)).toEqual(["b", "a"]);
    expect(state.rows[1]!.progress).toBe(40);
  });

  it("keeps a newer live row over an older page row from the lagging mirror", () => {
    let state = applyFeedMessage(emptyJobList(), feed(7, row("a", 1, { status: "completed", progress: 100, updated_at: "2030-01-01T00:09:00.000Z" })));
    state = applyPage(state, { jobs: [row("a", 1, { status: "running", progress: 60, updated_at: "2030-01-01T00:08:00.000Z" })], next_cursor: null }, false);
    expect(state.rows[0]!.status).toBe("completed");
  });

  it("follows the status filter: rows leave and join as their status changes", () => {
    let state = applyPage(emptyJobList("running"), { jobs: [row("a", 1, { status: "running" })], next_cursor: null }, false);
    state = applyFeedMessage(state, feed(5, row("a", 1, { status: "completed" })));
    expect(state.rows).toEqual([]);
    state = applyFeedMessage(state, feed(2, row("b", 2, { status: "running" })));
    expect(ids(state.rows)).toEqual(["b"]);
  });

  it("leaves a changed job outside the loaded pages to its page", () => {
    let state = applyPage(emptyJobList(), { jobs: [row("c", 5), row("b", 4)], next_cursor: "more" }, false);
    state = applyFeedMessage(state, feed(3, row("old", 1, { status: "running" })));
    expect(ids(state.rows)).toEqual(["c", "b"]);
  });
});
