import { useExportJob } from "@export-tracker/client/react";

export function ExportProgress({ jobId }: { jobId: string }) {
  // A viewer token from your backend (see "Backend client"), never the API key.
  const token = () => fetch(`/my-backend/export-token?job=${jobId}`).then((r) => r.text());
  const { job, connection } = useExportJob(jobId, token, { baseUrl: import.meta.env.VITE_TRACKER_URL });
  if (!job) return <p>Connecting…</p>;
  return (
    <p>
      <progress max={100} value={job.progress.percent} /> {job.status} · {connection}
      {job.download && <a href={job.download.url}>Download</a>}
    </p>
  );
}
