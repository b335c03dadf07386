/**
 * HMAC-SHA256 signing and constant-time comparison, the primitives behind
 * callback tokens and download links. Messages are namespaced by purpose so
 * a signature made for one use is never valid for another.
 */
const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer): string {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Imported keys by secret: a cache of the isolate (the same secret always gives the same key;
 * a new isolate imports again), so a callback does not pay an importKey. Only a few secrets
 * are ever in use (the signing secret, a webhook secret or two); the oldest goes past KEPT_KEYS.
 */
const keys = new Map<string, Promise<CryptoKey>>();
const KEPT_KEYS = 16;

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    key.catch(() => keys.delete(secret));
    if (keys.size >= KEPT_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(secret, key);
  }
  return key;
}

/** The base64url HMAC-SHA256 of `message` under `secret`. */
export async function hmacSign(secret: string, message: string): Promise<string> {
  return base64url(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message)));
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) {
    // Still spend the comparison so a wrong length takes as long as a wrong byte.
    crypto.subtle.timingSafeEqual(left, left);
    return false;
  }
  return crypto.subtle.timingSafeEqual(left, right);
}

/** Whether `signature` is the HMAC of `message`, compared in constant time. */
export async function hmacVerify(secret: string, message: string, signature: string): Promise<boolean> {
  return timingSafeEqual(await hmacSign(secret, message), signature);
}
