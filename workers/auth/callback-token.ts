/**
 * Callback tokens: what a GPU worker presents for one job and one attempt.
 * The token is `<attempt>.<HMAC(job id, attempt)>`, so it cannot be moved to
 * another job, and a retry gets a new one that the old worker does not hold.
 */
import { hmacSign, hmacVerify } from "./hmac";

const message = (jobId: string, attempt: number) => `callback:v1:${jobId}:${attempt}`;

/** The callback token for `attempt` of job `jobId`. */
export async function signCallbackToken(secret: string, jobId: string, attempt: number): Promise<string> {
  return `${attempt}.${await hmacSign(secret, message(jobId, attempt))}`;
}

/** The attempt a genuine token was minted for, or null for anything forged or malformed. */
export async function verifyCallbackToken(
  secret: string,
  jobId: string,
  token: string,
): Promise<number | null> {
  const match = /^([1-9][0-9]{0,3})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const attempt = Number(match[1]);
  return (await hmacVerify(secret, message(jobId, attempt), match[2]!)) ? attempt : null;
}
