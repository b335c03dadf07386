/**
 * The owner's batches on the list page: one row per batch with one bar, its
 * counts and status, linking to the batch page (its members also appear as
 * job rows below, each linking back to the batch). Live through the owner feed.
 */
import type { BatchSummary } from "@export-tracker/client/batch";
import { batchBarStatus, describeCounts } from "./batch-status";
import { formatAgo, formatPercent, shortId } from "./format";
import { ProgressBar } from "./parts";
import { linkTo } from "./router";

export interface BatchListView {
  rows: BatchSummary[];
  nextCursor: string | null;
  loading: boolean;
  loadMore: () => void;
}

export function BatchTable({ batches, now }: { batches: BatchListView; now: number }) {
  if (batches.rows.length === 0) return null;
  return (
    <section className="batches" aria-labelledby="batches-title">
      <h2 id="batches-title">Batches</h2>
      <div className="table-wrap">
        <table className="jobs" data-testid="batch-list">
          <thead>
            <tr>
              <th scope="col">Batch</th>
              <th scope="col">Status</th>
              <th scope="col" className="col-progress">Progress</th>
              <th scope="col">Members</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {batches.rows.map((batch) => (
              <BatchRow key={batch.id} batch={batch} now={now} />
            ))}
          </tbody>
        </table>
      </div>
      {batches.nextCursor && (
        <button className="button more" disabled={batches.loading} onClick={batches.loadMore}>
          {batches.loading ? "Loading…" : "Show older batches"}
        </button>
      )}
    </section>
  );
}

function BatchRow({ batch, now }: { batch: BatchSummary; now: number }) {
  const href = `/batches/${batch.id}`;
  const colour = batchBarStatus(batch);
  return (
    <tr className="batch-row" data-batch-id={batch.id} data-status={batch.status}>
      <td className="col-id">
        <a href={href} onClick={linkTo(href)} aria-label={`Batch of ${batch.total} ${shortId(batch.id)}, ${batch.status}`}>
          <code>{shortId(batch.id)}</code>
        </a>
      </td>
      <td>
        <span className={`badge badge-${colour}`}>{batch.status}</span>
      </td>
      <td className="col-progress">
        <span className="progress-cell">
          <ProgressBar percent={batch.percent} status={colour} label={`Progress of batch ${shortId(batch.id)}`} />
          <span className="percent small">{formatPercent(batch.percent)}</span>
        </span>
      </td>
      <td data-testid="batch-row-counts">
        {batch.total} · {describeCounts(batch.counts)}
      </td>
      <td>
        <time dateTime={batch.created_at} title={new Date(batch.created_at).toLocaleString()}>
          {formatAgo(batch.created_at, now)}
        </time>
      </td>
    </tr>
  );
}
