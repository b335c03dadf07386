/**
 * Every after-commit effect a job's object runs, in one list.
 *
 * To add one (e.g. `webhooks`, `batch`): write `workers/effects/<name>.ts`
 * exporting an `AfterCommitEffect` (see after-commit.ts):
 *   - `kind`: a new, stable name (it keys the effect's row in each object);
 *   - `wants(commit)`: "now", "coalesce" (with `intervalMs`) or null, from the
 *     commit's events and the job before and after it;
 *   - `run(target)`: does the work for the job as it is now and throws on
 *     failure; it is retried from the alarm (1 s, 2 s... 1 min) until it lands,
 *     and may run twice, so make the receiver idempotent (e.g. keyed by seq).
 * and add it to the list below. Nothing else changes: the object, its store
 * and the alarm handle every kind alike.
 */
import type { AfterCommitEffect } from "./after-commit";
import { d1Mirror } from "./d1-mirror";
import { dispatchNotice } from "./dispatch-notice";
import { ownerFeedNotice } from "./owner-feed-notice";
import { webhookEvents, webhookProgress } from "./webhooks";

export const AFTER_COMMIT_EFFECTS: readonly AfterCommitEffect[] = [
  d1Mirror,
  ownerFeedNotice,
  dispatchNotice,
  webhookEvents,
  webhookProgress,
];
