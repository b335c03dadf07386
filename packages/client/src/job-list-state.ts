/**
 * The owner's job list as a subscriber holds it: pages fetched over HTTP
 * merged with live rows from the owner feed. Pure functions only.
 *
 * Feed rows are ordered by the job's event seq (an older one is dropped);
 * a fetched page row and a feed row are ordered by `updated_at`, so a page
 * read from the (slightly lagging) D1 mirror never hides a newer live state.
 */
import type { FeedJobMessage, JobStatus, JobSummary } from "@export-tracker/protocol";

export interface JobListState {
  /** Newest first, only rows matching `status`. */
  rows: JobSummary[];
  /** The newest feed row seen per job id, across filters and reloads. */
  live: Record<string, { seq: number; job: JobSummary }>;
  status: JobStatus | null;
  nextCursor: string | null;
}

export const emptyJobList = (status: JobStatus | null = null): JobListState => ({
  rows: [],
  live: {},
  status,
  nextCursor: null,
});

const newestFirst = (a: JobSummary, b: JobSummary) =>
  a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1;

const fresher = (a: JobSummary, b: JobSummary | undefined) => (b && b.updated_at > a.updated_at ? b : a);

/** Takes a fetched page: the first one replaces the rows, a later one is appended. */
export function applyPage(
  state: JobListState,
  page: { jobs: JobSummary[]; next_cursor: string | null },
  append: boolean,
): JobListState {
  const fetched = page.jobs.map((row) => fresher(row, state.live[row.id]?.job));
  const kept = append ? state.rows.filter((r) => !fetched.some((f) => f.id === r.id)) : [];
  const rows = [...kept, ...fetched].filter((r) => matches(state, r)).sort(newestFirst);
  return { ...state, rows, nextCursor: page.next_cursor };
}

/** Folds one feed message in: updates, inserts or (when it left the filter) removes a row. */
export function applyFeedMessage(state: JobListState, message: FeedJobMessage): JobListState {
  const known = state.live[message.job.id];
  if (known && known.seq >= message.seq) return state;
  const live = { ...state.live, [message.job.id]: { seq: message.seq, job: message.job } };
  const others = state.rows.filter((r) => r.id !== message.job.id);
  const present = others.length !== state.rows.length;
  const oldest = state.rows.at(-1);
  // A job outside the loaded pages stays there until its page is loaded.
  const belongsHere =
    matches(state, message.job) &&
    (present || state.nextCursor === null || !oldest || newestFirst(message.job, oldest) <= 0);
  const rows = belongsHere ? [...others, message.job].sort(newestFirst) : others;
  return { ...state, live, rows };
}

function matches(state: JobListState, job: JobSummary): boolean {
  return state.status === null || job.status === state.status;
}
