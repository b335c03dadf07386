/** One job, live: progress, timing, attempt, error, and the actions that fit its state. */
import { useEffect, useState } from "react";
import type { Job } from "@export-tracker/client";
import { useExportJob } from "@export-tracker/client/react";
import { cancelJob, retryJob, viewerToken } from "./auth";
import { elapsedSeconds, formatBytes, formatDuration, formatPercent, remainingSeconds } from "./format";
import { ConnectionPill, ProgressBar, StatusBadge, useNow } from "./parts";
import { navigate } from "./router";

/** How long the page waits for a first answer before saying it may be the wrong link. */
const NO_ANSWER_MS = 8000;

export function JobPage({ id }: { id: string }) {
  const { job, connection } = useExportJob(id, viewerToken);
  const [openedAt] = useState(Date.now);
  const now = useNow();
  useEffect(() => {
    document.title = job ? `${formatPercent(job.progress.percent)} · ${job.kind} · Exports` : "Export · Exports";
  }, [job]);
  const waitedLong = !job && now - openedAt > NO_ANSWER_MS;
  return (
    <main className="page">
      <nav className="crumbs">
        <a href="/" onClick={(e) => (e.preventDefault(), navigate("/"))}>
          ← All exports
        </a>
        <ConnectionPill state={connection} />
      </nav>
      {job ? (
        <JobCard job={job} />
      ) : (
        <section className="card skeleton" aria-busy="true">
          {waitedLong ? "No answer for this export yet: check the link, or wait while we keep trying." : "Loading export…"}
        </section>
      )}
    </main>
  );
}

function JobCard({ job }: { job: Job }) {
  const now = useNow();
  const { progress } = job;
  const elapsed = elapsedSeconds(job, now);
  const eta = job.status === "running" ? remainingSeconds(progress.eta_seconds, progress.updated_at, now) : null;
  return (
    <section className="card" data-testid="job" data-status={job.status}>
      <header className="card-head">
        <div>
          <h1>{job.kind}</h1>
          <code className="job-id">{job.id}</code>
        </div>
        <StatusBadge status={job.status} />
      </header>

      <div className="progress-row">
        <ProgressBar percent={progress.percent} status={job.status} label="Export progress" />
        <span className="percent" data-testid="percent">
          {formatPercent(progress.percent)}
        </span>
      </div>
      <p className="stage">
        <strong>{progress.stage ?? (job.status === "queued" ? "Waiting for a worker" : "\u00a0")}</strong>
        <span className="message">{progress.message ?? "\u00a0"}</span>
      </p>

      <dl className="facts">
        <Fact label="Elapsed" value={elapsed === null ? "–" : formatDuration(elapsed)} />
        <Fact label="Time left" value={eta === null ? "–" : `~${formatDuration(eta)}`} />
        <Fact label="Attempt" value={`${job.attempt} of ${job.max_attempts}`} testId="attempt" />
        <Fact label="Output" value={job.output ? formatBytes(job.output.size) : "–"} />
      </dl>

      {job.status === "queued" && job.retry_at && Date.parse(job.retry_at) > now && (
        <p className="notice">Next attempt in {formatDuration((Date.parse(job.retry_at) - now) / 1000)}.</p>
      )}
      {job.stalled_since && job.status === "running" && (
        <p className="notice">No word from the worker for a while; it will be retried if it stays silent.</p>
      )}
      {job.error && job.status !== "completed" && (
        <p className="error" role="alert" data-testid="error">
          {job.status === "queued" ? `Attempt ${job.error.attempt} failed, retrying: ` : ""}
          {job.error.message}
        </p>
      )}
      <JobActions job={job} />
    </section>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function JobActions({ job }: { job: Job }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = (action: (id: string) => Promise<void>) => async () => {
    setBusy(true);
    setProblem(null);
    try {
      await action(job.id);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions">
      {job.status === "completed" && job.download && (
        <a className="button primary" href={job.download.url} download={job.output?.filename}>
          Download {job.output?.filename ?? "output"}
        </a>
      )}
      {(job.status === "failed" || job.status === "canceled") && (
        <button className="button primary" disabled={busy} onClick={run(retryJob)}>
          Retry
        </button>
      )}
      {(job.status === "queued" || job.status === "running") && (
        <button className="button" disabled={busy} onClick={run(cancelJob)}>
          Cancel
        </button>
      )}
      {problem && <span className="error-inline">{problem}</span>}
    </div>
  );
}
