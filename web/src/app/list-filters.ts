/**
 * The list's filters as they live in the URL (`?status=&kind=&q=`), so a
 * reload or a shared link shows the same list. Pure functions.
 */
import { JOB_STATUSES, type JobStatus, type JobSummary } from "@export-tracker/protocol";

export interface ListFilters {
  status: JobStatus | null;
  kind: string | null;
  /** Part of a job id. */
  q: string | null;
}

export const NO_FILTERS: ListFilters = { status: null, kind: null, q: null };

const KIND = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
const ID_PART = /^[A-Za-z0-9_-]{1,64}$/;

/** The filters of a `location.search`; unknown or malformed values are dropped. */
export function parseFilters(search: string): ListFilters {
  const params = new URLSearchParams(search);
  const status = params.get("status");
  const kind = params.get("kind");
  const q = params.get("q")?.trim() ?? null;
  return {
    status: JOB_STATUSES.includes(status as JobStatus) ? (status as JobStatus) : null,
    kind: kind && KIND.test(kind) ? kind : null,
    q: q && ID_PART.test(q) ? q.toLowerCase() : null,
  };
}

/** The `?...` for `filters` ("" when none). */
export function filtersSearch(filters: ListFilters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set("status", filters.status);
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.q) params.set("q", filters.q);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Whether a row (from a page or the live feed) belongs in the filtered list. */
export function matchesFilters(job: JobSummary, filters: ListFilters): boolean {
  return (
    (filters.status === null || job.status === filters.status) &&
    (filters.kind === null || job.kind === filters.kind) &&
    (filters.q === null || job.id.includes(filters.q))
  );
}
