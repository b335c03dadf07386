/**
 * Standard Webhooks signing with the spec's reference implementation
 * (`standardwebhooks`): secrets are `whsec_` and base64 of 24 random bytes;
 * the `webhook-signature` header carries one `v1,<sig>` per secret that
 * signs, so during a rotation's overlap receivers holding either secret verify.
 */
import { Webhook } from "standardwebhooks";

export const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

/** A new signing secret. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three Standard Webhooks headers of `body`, signed at `at` with each of `secrets`. */
export function signWebhook(secrets: readonly string[], webhookId: string, at: number, body: string): SignedHeaders {
  const timestamp = new Date(at);
  return {
    "webhook-id": webhookId,
    "webhook-timestamp": String(Math.floor(at / 1000)),
    "webhook-signature": secrets.map((s) => new Webhook(s).sign(webhookId, timestamp, body)).join(" "),
  };
}

/** The secrets that sign at `now`: the current one, and the previous one while its overlap lasts. */
export function signingSecrets(
  endpoint: { secret: string; previousSecret: string | null; previousSecretExpiresAt: number | null },
  now: number,
): string[] {
  const previous =
    endpoint.previousSecret !== null && endpoint.previousSecretExpiresAt !== null && now < endpoint.previousSecretExpiresAt
      ? [endpoint.previousSecret]
      : [];
  return [endpoint.secret, ...previous];
}
