/**
 * How a job object tells its owner's feed that the job changed. A feed that
 * cannot be reached never fails the job's update: lists resync on reconnect.
 */
import { toJobRow, toJobSummary } from "../db/jobs";
import type { StoredJob } from "../jobs/job-store";
import { log } from "../log";
import type { FeedJobMessage } from "../protocol";
import type { OwnerFeed } from "./owner-feed";

/** The one feed object of `owner`. */
export function ownerFeed(env: Env, owner: string): DurableObjectStub<OwnerFeed> {
  return env.OWNER_FEED.get(env.OWNER_FEED.idFromName(owner));
}

/** Pushes the job's current list row to its owner's feed. */
export async function notifyOwnerFeed(env: Env, stored: StoredJob | null): Promise<void> {
  if (!stored) return;
  const message: FeedJobMessage = {
    type: "feed:job",
    seq: stored.seq,
    at: new Date().toISOString(),
    job: toJobSummary(toJobRow(stored.job, stored.seq)),
  };
  try {
    await ownerFeed(env, stored.job.owner).publish(message);
  } catch (err) {
    log.warn("feed.notify_failed", { job_id: stored.job.id, error: err instanceof Error ? err.message : String(err) });
  }
}
