import { useJobList } from "@export-tracker/client/react";

export function ExportList() {
  // Pages of GET /api/jobs and an owner-scoped viewer token (no job_id), both through your backend.
  const { rows, connection, list, loadMore } = useJobList({
    token: () => fetch("/my-backend/feed-token").then((r) => r.text()),
    loadPage: (status, cursor) =>
      fetch(`/my-backend/jobs?${new URLSearchParams({ ...(status && { status }), ...(cursor && { cursor }) })}`).then((r) => r.json()),
    baseUrl: import.meta.env.VITE_TRACKER_URL,
  });
  return (
    <ul data-connection={connection}>
      {rows.map((job) => (
        <li key={job.id} data-job={job.id}>
          {job.kind} {job.status} {job.progress}%
        </li>
      ))}
      {list.nextCursor && <button onClick={loadMore}>More</button>}
    </ul>
  );
}
