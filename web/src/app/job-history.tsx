/** The job page's record: the timeline of events, each attempt's outcome, and the input. */
import type { JobEvent, JsonValue } from "@export-tracker/protocol";
import type { Job } from "@export-tracker/client";
import { formatClock, formatDuration } from "./format";
import { useNow } from "./parts";
import { attemptsOf, timelineOf } from "./timeline";

export function Timeline({ events }: { events: readonly JobEvent[] }) {
  const entries = timelineOf(events);
  if (entries.length === 0) return <p className="muted">No events yet.</p>;
  const trimmed = events[0]!.seq > 1;
  return (
    <ol className="timeline" data-testid="timeline">
      {trimmed && <li className="muted trimmed">Events 1 to {events[0]!.seq - 1} have left the log (it keeps the last 1,000).</li>}
      {entries.map((entry) => (
        <li key={entry.seq} className={`event tone-${entry.tone}`} data-type={entry.type}>
          <time dateTime={entry.at} className="event-time">
            {formatClock(entry.at)}
          </time>
          <span className="event-dot" aria-hidden="true" />
          <div className="event-body">
            <span className="event-title">
              {entry.title}
              {entry.count > 1 && <span className="muted"> ({entry.count} reports)</span>}
            </span>
            <span className="event-attempt">attempt {entry.attempt}</span>
            {entry.detail && <span className="event-detail">{entry.detail}</span>}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function AttemptsTable({ events, current }: { events: readonly JobEvent[]; current: Job }) {
  const attempts = attemptsOf(events);
  const now = useNow();
  if (attempts.length === 0) return <p className="muted">–</p>;
  return (
    <table className="attempts" data-testid="attempts">
      <thead>
        <tr>
          <th scope="col" className="num">#</th>
          <th scope="col">Outcome</th>
          <th scope="col" className="num">Ran</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => {
          // A running attempt has run until now; one the log shows open while the job has finished, until then.
          const end = a.endedAt ? Date.parse(a.endedAt) : current.finished_at ? Date.parse(current.finished_at) : now;
          const ran = a.startedAt ? (end - Date.parse(a.startedAt)) / 1000 : null;
          return (
            <tr key={a.attempt} data-attempt={a.attempt} data-outcome={a.outcome}>
              <td className="num">{a.attempt}</td>
              <td>
                <span className={`outcome outcome-${a.outcome.replace(" ", "-")}`}>{a.outcome}</span>
                {a.stalled && a.outcome !== "given up" && <span className="muted"> · stalled</span>}
                {a.reason && <span className="attempt-reason">{a.reason}</span>}
              </td>
              <td className="num">{ran === null ? "–" : formatDuration(ran)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function InputPanel({ input }: { input: JsonValue }) {
  const text = JSON.stringify(input, null, 2);
  const lines = text.split("\n").length;
  return (
    <details className="input" open={lines <= 12}>
      <summary>
        JSON, {lines} {lines === 1 ? "line" : "lines"}
      </summary>
      <pre tabIndex={0} aria-label="Job input">
        {text}
      </pre>
    </details>
  );
}
