/**
 * One batch: asked of the API first (an unknown or foreign batch is "not
 * found" at once), then followed live over the batch's socket. One bar for
 * the whole batch, its counts, ETA and first failure, cancel and retry, and a
 * row per member linking to its job page.
 */
import { useEffect, useState } from "react";
import type { BatchMember } from "@export-tracker/client/batch";
import { useExportBatch } from "@export-tracker/client/react";
import type { BatchResponse } from "@export-tracker/protocol";
import { cancelBatch, getBatch, retryBatch } from "./api";
import { viewerToken } from "./auth";
import { batchBarStatus as barStatus } from "./batch-status";
import { formatDateTime, formatDuration, formatPercent, shortId } from "./format";
import { ConnectionPill, ProgressBar, StatusBadge } from "./parts";
import { LoadedOr, useLoaded } from "./loaded-page";
import { linkTo } from "./router";

export function BatchPage({ id }: { id: string }) {
  const loaded = useLoaded(id, getBatch);
  return (
    <main className="page wide">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="/" onClick={linkTo("/")}>
          ← All exports
        </a>
      </nav>
      <LoadedOr loaded={loaded} id={id} noun="Batch">
        {(page) => <LiveBatch initial={page} />}
      </LoadedOr>
    </main>
  );
}

function LiveBatch({ initial }: { initial: BatchResponse }) {
  const live = useExportBatch(initial.batch.id, viewerToken);
  const batch = live.batch ?? initial.batch;
  const jobs = live.batch ? live.jobs : initial.jobs;
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    document.title = `${formatPercent(batch.progress.percent)} batch ${batch.status} · Export console`;
  }, [batch.progress.percent, batch.status]);
  const act = (action: () => Promise<void>) => () => {
    setProblem(null);
    action().catch((err) => setProblem(err instanceof Error ? err.message : String(err)));
  };
  const unfinished = batch.counts.queued + batch.counts.running;
  return (
    <>
      <section className="card job" data-testid="batch" data-status={batch.status}>
        <header className="job-head">
          <div className="job-title">
            <h1>
              Batch of {batch.total} <span className={`badge badge-${barStatus(batch)}`}>{batch.status}</span>
            </h1>
            <p className="job-id">
              <code data-testid="batch-id">{batch.id}</code>
            </p>
          </div>
          <ConnectionPill state={live.connection} />
        </header>
        <div className="progress-row">
          <ProgressBar percent={batch.progress.percent} status={barStatus(batch)} label="Batch progress" />
          <span className="percent" data-testid="batch-percent">
            {formatPercent(batch.progress.percent)}
          </span>
        </div>
        <p className="stage" data-testid="batch-counts">
          {batch.counts.completed} completed · {batch.counts.running} running · {batch.counts.queued} queued
          {batch.counts.failed > 0 && ` · ${batch.counts.failed} failed`}
          {batch.counts.canceled > 0 && ` · ${batch.counts.canceled} canceled`}
        </p>
        {batch.first_error && (
          <p className="notice notice-bad" role="alert" data-testid="error">
            First failure ({shortId(batch.first_error.job_id)}): {batch.first_error.message}
          </p>
        )}
        <dl className="facts">
          <div>
            <dt>Created</dt>
            <dd>{formatDateTime(batch.created_at)}</dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>{batch.finished_at ? formatDateTime(batch.finished_at) : "–"}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{batch.progress.eta_seconds === null ? "–" : `~${formatDuration(batch.progress.eta_seconds)}`}</dd>
          </div>
          <div>
            <dt>Weighted by</dt>
            <dd>{batch.progress.weighted_by}</dd>
          </div>
        </dl>
        <div className="actions">
          {unfinished > 0 && (
            <button type="button" className="button danger" data-testid="cancel-batch" onClick={act(() => cancelBatch(batch.id))}>
              Cancel {unfinished} unfinished
            </button>
          )}
          {batch.counts.failed > 0 && (
            <button type="button" className="button" onClick={act(() => retryBatch(batch.id))}>
              Retry {batch.counts.failed} failed
            </button>
          )}
        </div>
        {problem && (
          <p className="error-inline" role="alert">
            {problem}
          </p>
        )}
      </section>
      <section className="card batch-members" aria-labelledby="members-title">
        <h2 id="members-title">Jobs</h2>
        <MemberTable jobs={jobs} />
      </section>
    </>
  );
}

function MemberTable({ jobs }: { jobs: BatchMember[] }) {
  return (
    <div className="table-wrap">
    <table className="jobs" data-testid="batch-jobs">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Job</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => {
          const href = `/jobs/${job.id}`;
          return (
            <tr key={job.id} className="job-row" data-job-id={job.id} data-status={job.status}>
              <td>{job.index + 1}</td>
              <td>
                <a href={href} onClick={linkTo(href)} aria-label={`${job.kind} ${shortId(job.id)}, ${job.status}`}>
                  {job.kind} <code>{shortId(job.id)}</code>
                </a>
                {job.status === "failed" && job.error && <span className="row-error">{job.error}</span>}
              </td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td className="col-progress">
                <span className="progress-cell">
                  <ProgressBar percent={job.progress.percent} status={job.status} label={`Progress of job ${job.index + 1}`} />
                  <span className="percent small">{formatPercent(job.progress.percent)}</span>
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
    </div>
  );
}
