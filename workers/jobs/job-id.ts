/**
 * Job ids: `job_` and 26 base32 characters (128 bits). Random by default;
 * with an Idempotency-Key, an HMAC of owner and key, so the same request
 * lands on the same object and the id still cannot be guessed.
 */
import { hmacSign } from "../auth/hmac";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
export const JOB_ID_PATTERN = /^job_[a-z2-7]{26}$/;

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function newJobId(): string {
  return `job_${base32(crypto.getRandomValues(new Uint8Array(16)))}`;
}

/** The id that every request with this owner and Idempotency-Key maps to. */
export async function idempotentJobId(secret: string, owner: string, key: string): Promise<string> {
  // JSON keeps owner and key apart even when either contains the separator.
  const mac = await hmacSign(secret, `job-id:v1:${JSON.stringify([owner, key])}`);
  const bytes = Uint8Array.from(atob(mac.replace(/-/g, "+").replace(/_/g, "/") + "="), (ch) => ch.charCodeAt(0));
  return `job_${base32(bytes.slice(0, 16))}`;
}

export function isJobId(id: string): boolean {
  return JOB_ID_PATTERN.test(id);
}
