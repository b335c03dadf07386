/**
 * The owner's exports: counts on top, the batches (when no filter is set),
 * filters in the URL, a dense live table, older pages on demand.
 */
import { useEffect, useState } from "react";
import { JOB_STATUSES, type JobStatus, type JobSummary } from "@export-tracker/client";
import type { StatsResponse } from "@export-tracker/protocol";
import { BatchTable } from "./batch-rows";
import { formatAgo, formatDuration, formatPercent, shortId } from "./format";
import { filtersSearch, parseFilters, type ListFilters } from "./list-filters";
import { NewJobForm } from "./new-job-form";
import { ConnectionPill, ProgressBar, StatusBadge, useNow } from "./parts";
import { linkTo, navigate } from "./router";
import { useJobList } from "./use-job-list";

/** Kinds offered in the filter: the console's own, plus any the rows show. */
const KNOWN_KINDS = ["gif.render"];

export function JobListPage({ search }: { search: string }) {
  const filters = parseFilters(search);
  const { rows, nextCursor, connection, loading, problem, loadMore, stats, batches } = useJobList(filters);
  // Filters are of jobs (status, kind, id): a filtered view shows only the jobs that match.
  const unfiltered = !filters.status && !filters.kind && !filters.q;
  const now = useNow(15_000);
  const setFilters = (next: Partial<ListFilters>) => navigate(`/${filtersSearch({ ...filters, ...next })}`, { replace: true });
  useEffect(() => {
    document.title = "Exports · Export console";
  }, []);
  const kinds = [...new Set([...KNOWN_KINDS, ...rows.map((r) => r.kind), ...(filters.kind ? [filters.kind] : [])])].sort();

  return (
    <main className="page wide">
      <div className="page-head">
        <h1>Exports</h1>
        <ConnectionPill state={connection} />
      </div>
      <StatsBar stats={stats} active={filters.status} onPick={(status) => setFilters({ status })} />
      <NewJobForm />
      {unfiltered && <BatchTable batches={batches} now={now} />}
      <div className="filters" role="search" aria-label="Filter exports">
        <label className="field inline">
          <span>Status</span>
          <select name="status" value={filters.status ?? ""} onChange={(e) => setFilters({ status: (e.target.value || null) as JobStatus | null })}>
            <option value="">Any</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Kind</span>
          <select name="kind" value={filters.kind ?? ""} onChange={(e) => setFilters({ kind: e.target.value || null })}>
            <option value="">Any</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <SearchBox value={filters.q ?? ""} onSearch={(q) => setFilters({ q: q || null })} />
      </div>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="table-wrap">
        <table className="jobs" data-testid="job-list">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col" className="col-progress">Progress</th>
              <th scope="col" className="num">Attempt</th>
              <th scope="col">Created</th>
              <th scope="col" className="num">Duration</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((job) => (
              <JobRow key={job.id} job={job} now={now} />
            ))}
          </tbody>
        </table>
        {rows.length === 0 && !loading && <p className="empty">No exports {describeFilters(filters)}.</p>}
      </div>
      {nextCursor && (
        <button className="button more" disabled={loading} onClick={loadMore}>
          {loading ? "Loading…" : "Show older"}
        </button>
      )}
    </main>
  );
}

function describeFilters(filters: ListFilters): string {
  const parts = [filters.status && `with status ${filters.status}`, filters.kind && `of kind ${filters.kind}`, filters.q && `matching “${filters.q}”`];
  const text = parts.filter(Boolean).join(", ");
  return text || "yet";
}

/** Search by part of an id: applied on Enter or when the field is cleared. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <form
      className="field inline search"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(text.trim());
      }}
    >
      <label htmlFor="job-search">Job id</label>
      <input
        id="job-search"
        name="q"
        type="search"
        placeholder="job_… (part of an id)"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === "") onSearch("");
        }}
      />
    </form>
  );
}

function StatsBar({ stats, active, onPick }: { stats: StatsResponse | null; active: JobStatus | null; onPick: (s: JobStatus | null) => void }) {
  const byStatus = stats?.jobs.by_status;
  return (
    <div className="stats" data-testid="stats" aria-label="Counts">
      <button className="stat" aria-pressed={active === null} onClick={() => onPick(null)}>
        <span className="stat-label">All</span>
        <span className="stat-value">{stats?.jobs.total ?? "–"}</span>
      </button>
      {JOB_STATUSES.map((status) => (
        <button key={status} className={`stat stat-${status}`} aria-pressed={active === status} onClick={() => onPick(active === status ? null : status)} data-testid={`stat-${status}`}>
          <span className="stat-label">{status}</span>
          <span className="stat-value">{byStatus?.[status] ?? "–"}</span>
        </button>
      ))}
      <div className="stat static" data-testid="queue-depth">
        <span className="stat-label">Queue depth</span>
        <span className="stat-value">{stats?.dispatch?.queue_depth ?? "–"}</span>
      </div>
      <div className="stat static">
        <span className="stat-label">Leased</span>
        <span className="stat-value">{stats?.dispatch?.leased ?? "–"}</span>
      </div>
    </div>
  );
}

/** A member row's link to its batch's page (one bar for the whole batch). */
function BatchLink({ id }: { id: string }) {
  const href = `/batches/${id}`;
  return (
    <a className="row-batch" href={href} onClick={linkTo(href)} aria-label={`Batch ${shortId(id)}`} data-testid="batch-link">
      batch
    </a>
  );
}

function JobRow({ job, now }: { job: JobSummary; now: number }) {
  const href = `/jobs/${job.id}`;
  // Created to finished, or so far while it is still on its way.
  const end = job.finished_at ? Date.parse(job.finished_at) : job.status === "queued" || job.status === "running" ? now : null;
  const duration = end === null ? null : (end - Date.parse(job.created_at)) / 1000;
  return (
    <tr className="job-row" data-job-id={job.id} data-status={job.status}>
      <td className="col-id">
        <a href={href} onClick={linkTo(href)} aria-label={`${job.kind} ${shortId(job.id)}, ${job.status}`}>
          <code>{shortId(job.id)}</code>
        </a>
      </td>
      <td className="col-kind">
        {job.kind}
        {job.batch_id && <BatchLink id={job.batch_id} />}
      </td>
      <td>
        <StatusBadge status={job.status} />
      </td>
      <td className="col-progress">
        <span className="progress-cell">
          <ProgressBar percent={job.progress} status={job.status} label={`Progress of ${shortId(job.id)}`} />
          <span className="percent small">{formatPercent(job.progress)}</span>
        </span>
        {job.status === "failed" && job.error && <span className="row-error">{job.error}</span>}
      </td>
      <td className="num">{job.attempt}</td>
      <td>
        <time dateTime={job.created_at} title={new Date(job.created_at).toLocaleString()}>
          {formatAgo(job.created_at, now)}
        </time>
      </td>
      <td className="num">{duration === null ? "–" : formatDuration(duration)}</td>
    </tr>
  );
}
