/**
 * Effects: the job's committed events handed to the webhook queue (see
 * workers/webhooks/). `webhooks` hands over every event but progress at once;
 * `webhook-progress` hands over the newest progress at most once per
 * WEBHOOK_PROGRESS_INTERVAL_MS. Each works through the events after its own
 * last successful run (`doneSeq`), so a failed or lost run hands them over
 * again from the alarm; the queue's consumer drops repeats.
 */
import { eventsToHandOver, isHandedAtOnce, progressToHandOver } from "../webhooks/handover-plan";
import { handOver } from "../webhooks/handover";
import type { AfterCommitEffect, EffectTarget } from "./after-commit";

const eventsAfterLastRun = (target: EffectTarget) => target.eventsAfter(target.doneSeq).map((e) => e.event);

export const webhookEvents: AfterCommitEffect = {
  kind: "webhooks",
  wants: ({ events }) => (events.some((e) => isHandedAtOnce(e.type)) ? "now" : null),
  run: (target) => handOver(target.env.WEBHOOK_QUEUE, target.job, eventsToHandOver(eventsAfterLastRun(target))),
};

export const webhookProgress: AfterCommitEffect = {
  kind: "webhook-progress",
  wants: ({ events }) => (events.some((e) => e.type === "job:progress") ? "coalesce" : null),
  intervalMs: (config) => config.webhookProgressIntervalMs,
  run: async (target) => {
    const progress = progressToHandOver(eventsAfterLastRun(target));
    if (progress) await handOver(target.env.WEBHOOK_QUEUE, target.job, [progress]);
  },
};
