/**
 * The URLs a job hands out: its API links, the callback base with the
 * current attempt's token, and a fresh signed download link.
 */
import { signCallbackToken } from "../auth/callback-token";
import { signDownloadUrl } from "../auth/download-link";
import type { Config } from "../config";
import type { CallbackCredentials, DownloadLink } from "../protocol";
import { hasDownload, type JobState } from "./job";

const jobPath = (id: string) => `/api/jobs/${encodeURIComponent(id)}`;

export function jobLinks(job: Pick<JobState, "id" | "origin">): { self: string; ws: string } {
  const wsOrigin = job.origin.replace(/^http/, "ws");
  return { self: `${job.origin}${jobPath(job.id)}`, ws: `${wsOrigin}${jobPath(job.id)}/ws` };
}

/** Where and with what the current attempt's worker calls back. */
export async function callbackCredentials(job: JobState, config: Config): Promise<CallbackCredentials> {
  return {
    url: `${job.origin}${jobPath(job.id)}/callbacks`,
    token: await signCallbackToken(config.signingSecret, job.id, job.attempt),
    attempt: job.attempt,
  };
}

/** A signed link to the job's output while it is completed with one; else null. */
export async function downloadLinkFor(job: JobState, config: Config, now: number): Promise<DownloadLink | null> {
  if (!hasDownload(job)) return null;
  return signDownloadUrl(config.signingSecret, job.origin, job.id, now, config.downloadTtlSeconds);
}
