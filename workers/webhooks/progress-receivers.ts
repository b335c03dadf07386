/**
 * Whether anyone receives a job's `job.progress` webhooks: its own webhook subscribed to them,
 * or an enabled endpoint of its owner that is. Progress is not among the default events, so
 * most jobs have no receiver, and handing their progress to the queue every few seconds would
 * cost a queue message and a D1 read each time for nothing.
 *
 * The owner's answer is cached in the isolate for PROGRESS_RECEIVERS_TTL_MS (as API keys are,
 * see auth/key-cache.ts): an endpoint subscribed to progress while a job runs starts getting its
 * progress within that time. The cache is only a saving: each isolate has its own and every
 * entry expires on its own clock; other event types never consult it.
 */
import { enabledEndpoints } from "../db/webhook-endpoints";
import type { JobState } from "../jobs/job";
import type { WebhookEventType } from "../protocol";
import { subscribedEvents, wants } from "./event-types";

export const PROGRESS_RECEIVERS_TTL_MS = 30_000;
const MAX_OWNERS = 1_000;

const byOwner = new Map<string, { any: boolean; until: number }>();

const ownWebhookWantsProgress = (job: JobState) =>
  job.webhook !== undefined && wants(subscribedEvents(job.webhook.events), "job.progress");

/** True when it is known (fresh in this isolate) that nobody receives the job's progress; false when someone may. */
export function knownToHaveNoProgressReceivers(job: JobState, now: number): boolean {
  if (ownWebhookWantsProgress(job)) return false;
  const cached = byOwner.get(job.owner);
  return cached !== undefined && cached.until > now && !cached.any;
}

/** Whether someone receives the job's progress: its own webhook, or (cached) one of its owner's endpoints. */
export async function hasProgressReceivers(d1: D1Database, job: JobState, now: number): Promise<boolean> {
  if (ownWebhookWantsProgress(job)) return true;
  const cached = byOwner.get(job.owner);
  if (cached && cached.until > now) return cached.any;
  const endpoints = await enabledEndpoints(d1, job.owner);
  const any = endpoints.some((e) => wants(JSON.parse(e.events) as WebhookEventType[], "job.progress"));
  byOwner.delete(job.owner);
  if (byOwner.size >= MAX_OWNERS) byOwner.delete(byOwner.keys().next().value!);
  byOwner.set(job.owner, { any, until: now + PROGRESS_RECEIVERS_TTL_MS });
  return any;
}
