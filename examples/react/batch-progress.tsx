import { useExportBatch } from "@export-tracker/client/react";

export function BatchProgress({ batchId }: { batchId: string }) {
  // A viewer token for the batch from your backend (POST /api/viewer-tokens {batch_id}), never the API key.
  const token = () => fetch(`/my-backend/batch-token?batch=${batchId}`).then((r) => r.text());
  const { batch, jobs, connection } = useExportBatch(batchId, token, { baseUrl: import.meta.env.VITE_TRACKER_URL });
  if (!batch) return <p>Connecting…</p>;
  return (
    <section>
      <progress max={100} value={batch.progress.percent} /> {batch.counts.completed} of {batch.total} done · {connection}
      <ul>
        {jobs.map((job) => (
          <li key={job.id}>
            {job.index + 1}: {job.status} {job.progress.percent}%
          </li>
        ))}
      </ul>
    </section>
  );
}
