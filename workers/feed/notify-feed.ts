/**
 * How a job object tells its owner's feed that the job changed. A feed that
 * cannot be reached never fails or slows the job's update: lists resync on reconnect.
 */
import { toJobRow, toJobSummary } from "../db/jobs";
import type { StoredJob } from "../jobs/job-store";
import { log } from "../log";
import type { FeedJobMessage, JobEvent, JobSummary } from "../protocol";
import type { OwnerFeed } from "./owner-feed";

/** The one feed object of `owner`. */
export function ownerFeed(env: Env, owner: string): DurableObjectStub<OwnerFeed> {
  return env.OWNER_FEED.get(env.OWNER_FEED.idFromName(owner));
}

/** What a list shows of a job: a report that changes none of it (a finer percent) is not sent. */
const shownOnList = (job: JobSummary) =>
  JSON.stringify([job.status, Math.floor(job.progress), job.stage, job.attempt, job.error, job.output_size]);

/**
 * Pushes the job's current list row to its owner's feed, without holding up
 * the update that raised it (the object keeps running until it is sent).
 * Updates that only logged a refused callback, or that change nothing a list
 * shows since `shownBefore`, are skipped. Returns what the list now shows:
 * the caller keeps it in memory only, as a saving (after hibernation it is
 * forgotten and the row is simply sent again).
 */
export function notifyOwnerFeed(
  ctx: DurableObjectState,
  env: Env,
  stored: StoredJob | null,
  events: JobEvent[],
  shownBefore: string | undefined,
): string | undefined {
  if (!stored || events.every((e) => e.type === "job:callback_refused")) return shownBefore;
  const job = toJobSummary(toJobRow(stored.job, stored.seq));
  const shown = shownOnList(job);
  if (shown === shownBefore) return shown;
  const message: FeedJobMessage = { type: "feed:job", seq: stored.seq, at: new Date().toISOString(), job };
  // Sends can finish out of order; lists keep the highest seq per job.
  ctx.waitUntil(
    ownerFeed(env, stored.job.owner)
      .publish(message)
      .catch((err: unknown) =>
        log.warn("feed.notify_failed", { job_id: stored.job.id, error: err instanceof Error ? err.message : String(err) }),
      ),
  );
  return shown;
}
