import { subscribeToJob } from "@export-tracker/client";

/** Shows a job's progress in `element` until the returned function is called. */
export function watchExport(jobId: string, element: HTMLElement): () => void {
  return subscribeToJob({
    jobId,
    token: () => fetch(`/my-backend/export-token?job=${jobId}`).then((r) => r.text()),
    baseUrl: import.meta.env.VITE_TRACKER_URL,
    onState: ({ job }) => {
      if (job) element.textContent = `${job.status} ${job.progress.percent}%${job.download ? ` ${job.download.url}` : ""}`;
    },
    onConnection: (state) => (element.dataset.connection = state),
  });
}
