/**
 * @export-tracker/client/react: the React hooks. React is an optional peer
 * dependency of the package; only this entry imports it.
 *
 *   const { job, connection } = useExportJob(jobId, token, { baseUrl });
 *   const { rows, loadMore } = useJobList({ token, loadPage });
 */
export { useExportJob, type ExportJobView } from "./use-export-job";
export { useJobList, type JobListOptions, type JobListView } from "./use-job-list";
