/**
 * One job: asked of the API first (an unknown or foreign job is "not found" at
 * once, before any socket opens), then followed live. Progress, the current
 * state, times, actions, attempts, the timeline and the input.
 */
import { useEffect } from "react";
import type { JobWithInput } from "@export-tracker/protocol";
import type { Job } from "@export-tracker/client";
import { useExportJob } from "@export-tracker/client/react";
import { getJob } from "./api";
import { viewerToken } from "./auth";
import { elapsedSeconds, formatBytes, formatDateTime, formatDuration, formatPercent, remainingSeconds } from "./format";
import { JobActions } from "./job-actions";
import { LivePreview, LogPanel } from "./job-live-output";
import { currentNotice } from "./job-notice";
import { AttemptsTable, InputPanel, Timeline } from "./job-history";
import { ConnectionPill, CopyButton, ProgressBar, StatusBadge, useNow } from "./parts";
import { firstStartedAt } from "./timeline";
import { LoadedOr, useLoaded } from "./loaded-page";
import { linkTo } from "./router";
import { useJobEvents } from "./use-job-events";

export function JobPage({ id }: { id: string }) {
  const loaded = useLoaded(id, getJob);
  return (
    <main className="page wide">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="/" onClick={linkTo("/")}>
          ← All exports
        </a>
      </nav>
      {loaded.kind === "found" && loaded.value.batch_id && (
        <nav className="crumbs" aria-label="Batch">
          <a href={`/batches/${loaded.value.batch_id}`} onClick={linkTo(`/batches/${loaded.value.batch_id}`)}>
            Part of a batch →
          </a>
        </nav>
      )}
      <LoadedOr loaded={loaded} id={id} noun="Export">
        {(job) => <LiveJob initial={job} />}
      </LoadedOr>
    </main>
  );
}

/** Stable, so the subscription is not restarted on every render. */
const LIVE_OPTIONS = { logs: true };

function LiveJob({ initial }: { initial: JobWithInput }) {
  const live = useExportJob(initial.id, viewerToken, LIVE_OPTIONS);
  const job: Job = live.job ?? initial;
  const { events, problem } = useJobEvents(initial.id, live.seq);
  useEffect(() => {
    document.title = `${formatPercent(job.progress.percent)} ${job.status} · ${job.kind} · Export console`;
  }, [job.progress.percent, job.status, job.kind]);
  return (
    <>
      <section className="card job" data-testid="job" data-status={job.status}>
        <header className="job-head">
          <div className="job-title">
            <h1>
              {job.kind} <StatusBadge status={job.status} />
            </h1>
            <p className="job-id">
              <code data-testid="job-id">{job.id}</code>
              <CopyButton text={job.id} label="Copy job id" />
            </p>
          </div>
          <ConnectionPill state={live.connection} />
        </header>
        <div className="progress-with-preview">
          <div className="progress-main">
            <JobProgress job={job} />
          </div>
          {!job.download && <LivePreview preview={live.preview} />}
        </div>
        <JobFacts job={job} startedAt={firstStartedAt(events, job)} />
        {job.download && job.output?.content_type.startsWith("image/") && (
          <img className="preview" src={job.download.url} alt={`Output: ${job.output.filename}`} />
        )}
        <JobActions job={job} />
      </section>
      <div className="job-columns">
        <div className="main-column">
          <LogPanel lines={live.logs} />
          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            {problem && <p className="error-inline">{problem}</p>}
            <Timeline events={events} />
          </section>
        </div>
        <div className="side">
          <section className="card" aria-labelledby="attempts-title">
            <h2 id="attempts-title">Attempts</h2>
            <AttemptsTable events={events} current={job} />
          </section>
          <section className="card" aria-labelledby="input-title">
            <h2 id="input-title">Input</h2>
            <InputPanel input={initial.input} />
          </section>
        </div>
      </div>
    </>
  );
}

function JobProgress({ job }: { job: Job }) {
  // useNow re-renders every second; the clock itself is read now, not as of the last tick.
  const now = Math.max(useNow(), Date.now());
  const notice = currentNotice(job, now);
  const { progress } = job;
  return (
    <>
      <div className="progress-row">
        <ProgressBar percent={progress.percent} status={job.status} label="Export progress" />
        <span className="percent" data-testid="percent">
          {formatPercent(progress.percent)}
        </span>
      </div>
      <p className="stage">
        <strong>{progress.stage ?? "\u00a0"}</strong>
        <span className="message">{progress.message ?? ""}</span>
      </p>
      {notice && (
        <p className={`notice notice-${notice.tone}`} role={notice.tone === "bad" ? "alert" : "status"} data-testid={notice.tone === "bad" ? "error" : "notice"}>
          {notice.text}
        </p>
      )}
    </>
  );
}

function JobFacts({ job, startedAt }: { job: Job; startedAt: string | null }) {
  const now = useNow();
  const elapsed = elapsedSeconds({ started_at: startedAt, finished_at: job.finished_at }, now);
  const eta = job.status === "running" ? remainingSeconds(job.progress.eta_seconds, job.progress.updated_at, now) : null;
  return (
    <dl className="facts">
      <Fact label="Created" value={formatDateTime(job.created_at)} />
      <Fact label="Started" value={startedAt ? formatDateTime(startedAt) : "–"} />
      <Fact label="Finished" value={job.finished_at ? formatDateTime(job.finished_at) : "–"} />
      <Fact label="Duration" value={elapsed === null ? "–" : formatDuration(elapsed)} testId="duration" />
      <Fact label="Time left" value={eta === null ? "–" : `~${formatDuration(eta)}`} />
      <Fact label="Attempt" value={`${job.attempt} of ${job.max_attempts}`} testId="attempt" />
      <Fact label="Output" value={job.output ? `${formatBytes(job.output.size)} · ${job.output.content_type}` : "–"} />
      <Fact label="Worker" value={job.worker ?? "–"} testId="worker" />
    </dl>
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
