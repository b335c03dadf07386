/**
 * How a job object tells its owner's feed that the job changed: the job's
 * list row, with its seq (lists keep the highest seq per job, so a late or
 * repeated notice is harmless). Run as an after-commit effect.
 */
import { toJobSummary } from "../db/jobs";
import type { JobRow } from "../db/schema";
import type { JobState } from "../jobs/job";
import type { FeedJobMessage } from "../protocol";
import type { OwnerFeed } from "./owner-feed";

/** The one feed object of `owner`. */
export function ownerFeed(env: Env, owner: string): DurableObjectStub<OwnerFeed> {
  return env.OWNER_FEED.get(env.OWNER_FEED.idFromName(owner));
}

/** What a list shows of a job: a report that changes none of it (a finer percent) is not sent. */
const shownOnList = (job: JobState) =>
  JSON.stringify([
    job.status,
    Math.floor(job.progress.percent),
    job.progress.stage,
    job.attempt,
    job.error?.message ?? null,
    job.output?.size ?? null,
  ]);

/** Whether the owner's list would show `after` differently from `before`. */
export function listRowChanged(before: JobState | null, after: JobState): boolean {
  return before === null || shownOnList(before) !== shownOnList(after);
}

/** Sends the job's current list row (`row` at event seq `seq`) to its owner's feed. */
export async function publishToOwnerFeed(env: Env, owner: string, row: JobRow, seq: number): Promise<void> {
  const message: FeedJobMessage = { type: "feed:job", seq, at: new Date().toISOString(), job: toJobSummary(row) };
  await ownerFeed(env, owner).publish(message);
}
