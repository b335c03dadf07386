/**
 * Effects: the job's committed events handed to the webhook queue (see
 * workers/webhooks/). `webhooks` hands over every event but progress at once;
 * `webhook-progress` hands over the newest progress at most once per
 * WEBHOOK_PROGRESS_INTERVAL_MS. Each works through the events after its own
 * last successful run (`doneSeq`), so a failed or lost run hands them over
 * again from the alarm; the queue's consumer drops repeats. Progress nobody
 * subscribed to is not handed over at all (see webhooks/progress-receivers.ts).
 */
import { eventsToHandOver, isHandedAtOnce, progressToHandOver } from "../webhooks/handover-plan";
import { handOver } from "../webhooks/handover";
import { hasProgressReceivers, knownToHaveNoProgressReceivers } from "../webhooks/progress-receivers";
import type { AfterCommitEffect, EffectTarget } from "./after-commit";

const eventsAfterLastRun = (target: EffectTarget) => target.eventsAfter(target.doneSeq).map((e) => e.event);

export const webhookEvents: AfterCommitEffect = {
  kind: "webhooks",
  wants: ({ events }) => (events.some((e) => isHandedAtOnce(e.type)) ? "now" : null),
  run: (target) => handOver(target.env.WEBHOOK_QUEUE, target.job, eventsToHandOver(eventsAfterLastRun(target))),
};

export const webhookProgress: AfterCommitEffect = {
  kind: "webhook-progress",
  wants: ({ job, events }) =>
    events.some((e) => e.type === "job:progress") && !knownToHaveNoProgressReceivers(job, Date.now()) ? "coalesce" : null,
  intervalMs: (config) => config.webhookProgressIntervalMs,
  run: async (target) => {
    if (!(await hasProgressReceivers(target.env.DB, target.job, Date.now()))) return;
    const progress = progressToHandOver(eventsAfterLastRun(target));
    if (progress) await handOver(target.env.WEBHOOK_QUEUE, target.job, [progress]);
  },
};
