/**
 * Signed download links: `/api/jobs/:id/download?expires=<unix s>&sig=<HMAC>`.
 * Anyone holding the link may fetch the output until it expires; nothing
 * else is needed, so a browser can use it as a plain <a href>.
 */
import type { DownloadLink } from "../protocol";
import { hmacSign, hmacVerify } from "./hmac";

const message = (jobId: string, expires: number) => `download:v1:${jobId}:${expires}`;

/** A link to job `jobId`'s output under `origin`, valid for `ttlSeconds` from `now` (ms). */
export async function signDownloadUrl(
  secret: string,
  origin: string,
  jobId: string,
  now: number,
  ttlSeconds: number,
): Promise<DownloadLink> {
  const expires = Math.floor(now / 1000) + Math.floor(ttlSeconds);
  const sig = await hmacSign(secret, message(jobId, expires));
  return {
    url: `${origin}/api/jobs/${encodeURIComponent(jobId)}/download?expires=${expires}&sig=${sig}`,
    expires_at: new Date(expires * 1000).toISOString(),
  };
}

export type DownloadCheck = "valid" | "expired" | "invalid";

/** Checks a link's `expires` and `sig` query values for job `jobId` at `now` (ms). */
export async function verifyDownloadSignature(
  secret: string,
  jobId: string,
  expires: string,
  sig: string,
  now: number,
): Promise<DownloadCheck> {
  if (!/^[0-9]{1,12}$/.test(expires)) return "invalid";
  if (!(await hmacVerify(secret, message(jobId, Number(expires)), sig))) return "invalid";
  return Number(expires) * 1000 < now ? "expired" : "valid";
}
