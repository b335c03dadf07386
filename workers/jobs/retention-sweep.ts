/**
 * The side of retention that touches storage, for the job's alarm: delete a job's output files
 * from R2, or the whole job (files, D1 row, then the object's own storage, last, so a failure
 * half way leaves the alarm to try again). Each step is idempotent: running it twice is fine.
 */
import { previewKey } from "../channel/preview";
import { deleteJobRow } from "../db/jobs";
import { log } from "../log";
import { retentionDue, type RetentionDefaults } from "./retention";
import type { JobState } from "./job";

/** Deletes every file under the job's prefix (its output and those of earlier attempts) and its preview frame. */
export async function deleteOutputFiles(bucket: R2Bucket, jobId: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const listed = await bucket.list({ prefix: `outputs/${jobId}/`, cursor });
    const keys = listed.objects.map((o) => o.key);
    if (keys.length > 0) await bucket.delete(keys);
    deleted += keys.length;
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  await bucket.delete(previewKey(jobId));
  return deleted;
}

export type RetentionOutcome = { kind: "none" } | { kind: "output_deleted"; job: JobState } | { kind: "job_deleted" };

/**
 * Applies what retention says is due for `job` at `now`. The whole job goes with `deleteStorage`
 * (the object's deleteAll, which also drops its alarm); only the output, with the job returned
 * marked `outputDeletedAt` for the caller to commit.
 */
export async function applyRetention(
  env: Env,
  job: JobState,
  now: number,
  defaults: RetentionDefaults,
  deleteStorage: () => Promise<void>,
): Promise<RetentionOutcome> {
  const due = retentionDue(job, now, defaults);
  if (due === null) return { kind: "none" };
  const files = await deleteOutputFiles(env.OUTPUTS, job.id);
  if (due === "delete_output") {
    log.info("retention.output_deleted", { job_id: job.id, files });
    return { kind: "output_deleted", job: { ...job, outputDeletedAt: now } };
  }
  await deleteJobRow(env.DB, job.id);
  await deleteStorage();
  log.info("retention.job_deleted", { job_id: job.id, owner: job.owner, files });
  return { kind: "job_deleted" };
}
