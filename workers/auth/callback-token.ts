/**
 * Callback tokens: what a GPU worker presents for one job and one attempt.
 * The token is `<attempt>.<HMAC(job id, attempt)>`, so it cannot be moved to
 * another job, and a retry gets a new one that the old worker does not hold.
 */
import { hmacSign, timingSafeEqual } from "./hmac";

const message = (jobId: string, attempt: number) => `callback:v1:${jobId}:${attempt}`;

/**
 * Signatures already computed, by secret and message: a worker presents the same token on every
 * report, so each isolate signs it once (a memo of a pure function; bounded, oldest out first).
 */
const signatures = new Map<string, Map<string, string>>();
const KEPT_SIGNATURES = 10_000;
/** Secrets in use at once are one or two (a rotation); more means tests or a misconfiguration: start over. */
const KEPT_SECRETS = 4;

async function expectedSignature(secret: string, text: string): Promise<string> {
  let bySecret = signatures.get(secret);
  if (!bySecret) {
    if (signatures.size >= KEPT_SECRETS) signatures.clear();
    signatures.set(secret, (bySecret = new Map()));
  }
  let signature = bySecret.get(text);
  if (signature === undefined) {
    signature = await hmacSign(secret, text);
    if (bySecret.size >= KEPT_SIGNATURES) bySecret.delete(bySecret.keys().next().value!);
    bySecret.set(text, signature);
  }
  return signature;
}

/** The callback token for `attempt` of job `jobId`. */
export async function signCallbackToken(secret: string, jobId: string, attempt: number): Promise<string> {
  return `${attempt}.${await expectedSignature(secret, message(jobId, attempt))}`;
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
  return timingSafeEqual(await expectedSignature(secret, message(jobId, attempt)), match[2]!) ? attempt : null;
}
