/**
 * Which URLs may receive webhooks: https only, with no credentials in them,
 * and never a loopback or private address, except loopback hosts when
 * ALLOW_LOOPBACK_WEBHOOKS=true (npm run dev sets it, for webhooks:listen),
 * then over http too.
 */
import { ApiError } from "../errors";
import { readConfig } from "../config";

export type UrlCheck = { ok: true; url: string } | { ok: false; code: string; message: string };

const LOOPBACK_HOST = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
/** IPv4 literals of private, link-local, CGNAT and unspecified ranges, and IPv6 local ones. */
const PRIVATE_HOST =
  /^(10(\.\d{1,3}){3}|192\.168(\.\d{1,3}){2}|172\.(1[6-9]|2\d|3[01])(\.\d{1,3}){2}|169\.254(\.\d{1,3}){2}|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])(\.\d{1,3}){2}|0(\.\d{1,3}){3}|\[(fc|fd|fe8|fe9|fea|feb)[0-9a-f:]*\]|\[::\]|\[::ffff:[0-9a-f.:]+\])$/i;

const refuse = (code: string, message: string): UrlCheck => ({ ok: false, code, message });

/** Checks a receiver URL; the answer's `url` is the normalised form to store. */
export function checkWebhookUrl(raw: string, allowLoopback: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("webhook_url_invalid", "url is not an absolute URL");
  }
  if (url.username || url.password) {
    return refuse("webhook_url_invalid", "url must not carry a user name or password; authenticate with the signature");
  }
  const loopback = LOOPBACK_HOST.test(url.hostname);
  if (loopback) {
    if (!allowLoopback) {
      return refuse("webhook_url_private", "loopback hosts are refused here (ALLOW_LOOPBACK_WEBHOOKS is not set)");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return refuse("webhook_url_insecure", "url must be https (or http on a loopback host)");
    }
    return { ok: true, url: url.href };
  }
  if (url.protocol !== "https:") return refuse("webhook_url_insecure", "url must be https");
  if (PRIVATE_HOST.test(url.hostname)) {
    return refuse("webhook_url_private", "url must not point at a private or link-local address");
  }
  return { ok: true, url: url.href };
}

/** The URL to store, or a 400 ApiError saying what is wrong with it. */
export function acceptedWebhookUrl(env: Env, raw: string): string {
  const check = checkWebhookUrl(raw, readConfig(env).allowLoopbackWebhooks);
  if (!check.ok) throw new ApiError(400, check.code, check.message);
  return check.url;
}
