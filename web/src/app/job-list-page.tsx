/** The owner's exports, live, filterable by status, newest first, more on demand. */
import { useState } from "react";
import { JOB_STATUSES, type JobStatus, type JobSummary } from "@export-tracker/client";
import { formatAgo, formatPercent } from "./format";
import { NewJobForm } from "./new-job-form";
import { ConnectionPill, ProgressBar, StatusBadge, useNow } from "./parts";
import { navigate } from "./router";
import { useJobList } from "./use-job-list";

export function JobListPage() {
  const [status, setStatus] = useState<JobStatus | null>(null);
  const { list, connection, loading, problem, loadMore } = useJobList(status);
  const now = useNow(15_000);
  return (
    <main className="page">
      <NewJobForm />
      <div className="list-head">
        <h2>Exports</h2>
        <ConnectionPill state={connection} />
      </div>
      <div className="filters" role="group" aria-label="Filter by status">
        {[null, ...JOB_STATUSES].map((s) => (
          <button key={s ?? "all"} className="chip" aria-pressed={status === s} onClick={() => setStatus(s)}>
            {s ?? "all"}
          </button>
        ))}
      </div>
      {problem && <p className="error">{problem}</p>}
      <ul className="job-list" data-testid="job-list">
        {list.rows.map((job) => (
          <JobRow key={job.id} job={job} now={now} />
        ))}
      </ul>
      {list.rows.length === 0 && !loading && <p className="empty">No exports {status ? `with status ${status}` : "yet"}.</p>}
      {list.nextCursor && (
        <button className="button more" disabled={loading} onClick={loadMore}>
          {loading ? "Loading…" : "Show older"}
        </button>
      )}
    </main>
  );
}

function JobRow({ job, now }: { job: JobSummary; now: number }) {
  const href = `/jobs/${job.id}`;
  return (
    <li className="job-row" data-job-id={job.id} data-status={job.status}>
      <a href={href} onClick={(e) => (e.preventDefault(), navigate(href))}>
        <span className="row-kind">{job.kind}</span>
        <StatusBadge status={job.status} />
        <ProgressBar percent={job.progress} status={job.status} label={`${job.kind} progress`} />
        <span className="percent small">{formatPercent(job.progress)}</span>
        <span className="row-meta">
          {[job.error ?? job.stage, `attempt ${job.attempt}`, formatAgo(job.created_at, now)].filter(Boolean).join(" · ")}
        </span>
      </a>
    </li>
  );
}
