/**
 * Effect: the job's list row pushed to its owner's feed, whenever what a list
 * shows changed (a finer percent alone is not sent).
 */
import { listRowChanged, publishToOwnerFeed } from "../feed/notify-feed";
import type { AfterCommitEffect } from "./after-commit";

export const ownerFeedNotice: AfterCommitEffect = {
  kind: "owner-feed",
  wants: ({ before, job }) => (listRowChanged(before, job) ? "now" : null),
  run: ({ env, job, row, seq }) => publishToOwnerFeed(env, job.owner, row(), seq),
};
