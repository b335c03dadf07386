/**
 * Every after-commit effect of a batch's object (see batch-effects.ts):
 * - `d1-mirror`: the batch's row in D1 (GET /api/batches), at once when its
 *   status or counts change, progress at most once per MIRROR_INTERVAL_MS;
 *   guarded by the batch's seq, so a late write never goes back.
 * - `owner-feed`: the batch's list row to its owner's feed when what a list
 *   shows changed (status, counts, whole percent); lists keep the highest seq.
 * - `webhooks`: the outbox's finish events to the webhook queue, then dropped
 *   from the outbox. A finish is in the outbox once (a duplicated member
 *   notice raises no event), so each finish makes one delivery per endpoint.
 */
import { batchSummaryOf, toBatchRow, upsertBatchRow } from "../db/batches";
import { ownerFeed } from "../feed/notify-feed";
import type { BatchView, FeedBatchMessage } from "../protocol";
import { handOverBatchEvents } from "../webhooks/batch-handover";
import type { BatchCommit, BatchEffect } from "./batch-effects";
import { isFinishEvent } from "./batch-store";

/** What a list shows of a batch. */
const shownOnList = (v: BatchView) => JSON.stringify([v.status, v.counts, Math.floor(v.progress.percent)]);

const statusMoved = ({ before, after }: BatchCommit) =>
  before === null || before.status !== after.status || JSON.stringify(before.counts) !== JSON.stringify(after.counts);

export const batchD1Mirror: BatchEffect = {
  kind: "d1-mirror",
  wants: (commit) => (statusMoved(commit) ? "now" : commit.events.length > 0 ? "coalesce" : null),
  intervalMs: (config) => config.mirrorIntervalMs,
  run: ({ env, stored, view }) => upsertBatchRow(env.DB, toBatchRow(stored.batch.owner, view, stored.seq)),
};

export const batchOwnerFeed: BatchEffect = {
  kind: "owner-feed",
  wants: ({ before, after }) => (before === null || shownOnList(before) !== shownOnList(after) ? "now" : null),
  run: async ({ env, stored, view }) => {
    const message: FeedBatchMessage = { type: "feed:batch", seq: stored.seq, at: new Date().toISOString(), batch: batchSummaryOf(view) };
    await ownerFeed(env, stored.batch.owner).publish(message);
  },
};

export const batchWebhooks: BatchEffect = {
  kind: "webhooks",
  wants: ({ events }) => (events.some(isFinishEvent) ? "now" : null),
  run: async ({ env, stored, store, doneSeq }) => {
    const events = store.outboxAfter(doneSeq);
    await handOverBatchEvents(env.WEBHOOK_QUEUE, stored.batch.owner, stored.batch.origin, events);
    store.dropOutbox(stored.seq);
  },
};

export const BATCH_EFFECTS: readonly BatchEffect[] = [batchD1Mirror, batchOwnerFeed, batchWebhooks];
