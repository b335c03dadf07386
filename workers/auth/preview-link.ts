/**
 * Signed preview links: `/api/jobs/:id/preview?expires=<unix s>&sig=<HMAC>&v=<upload time>`,
 * so an <img> can show the newest preview frame without credentials. `v` only
 * busts caches: the job keeps one preview, the newest.
 */
import { hmacSign, hmacVerify } from "./hmac";

const message = (jobId: string, expires: number) => `preview:v1:${jobId}:${expires}`;

export async function signPreviewUrl(secret: string, origin: string, jobId: string, version: number, now: number, ttlSeconds: number): Promise<string> {
  const expires = Math.floor(now / 1000) + Math.floor(ttlSeconds);
  const sig = await hmacSign(secret, message(jobId, expires));
  return `${origin}/api/jobs/${encodeURIComponent(jobId)}/preview?expires=${expires}&sig=${sig}&v=${version}`;
}

export async function verifyPreviewSignature(secret: string, jobId: string, expires: string, sig: string, now: number): Promise<"valid" | "expired" | "invalid"> {
  if (!/^[0-9]{1,12}$/.test(expires)) return "invalid";
  if (!(await hmacVerify(secret, message(jobId, Number(expires)), sig))) return "invalid";
  return Number(expires) * 1000 < now ? "expired" : "valid";
}
