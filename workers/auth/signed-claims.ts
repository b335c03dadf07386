/**
 * Signed claims: the token shape shared by viewer tokens and console sessions,
 * `<prefix>.<base64url JSON claims>.<HMAC>`. The HMAC covers the payload under
 * a purpose of its own, so a token made for one use is never valid for another.
 * Checking one needs no storage; what the claims mean is the caller's.
 */
import { hmacSign, hmacVerify } from "./hmac";

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const fromBase64Url = (b64: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(b64.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

export interface SignedClaimsFormat {
  /** The token's first part, e.g. "vt1". */
  prefix: string;
  /** What the HMAC is made for, e.g. "viewer". */
  purpose: string;
  /** The longest payload (base64url characters) a genuine token carries. */
  maxPayload: number;
}

/** The token for `claims`. */
export async function signClaims(format: SignedClaimsFormat, secret: string, claims: object): Promise<string> {
  const payload = toBase64Url(JSON.stringify(claims));
  return `${format.prefix}.${payload}.${await hmacSign(secret, `${format.purpose}:v1:${payload}`)}`;
}

/** The claims of a genuine token, or null for anything forged or malformed. */
export async function verifyClaims(format: SignedClaimsFormat, secret: string, token: string): Promise<Record<string, unknown> | null> {
  const parts = token.split(".");
  const shape = new RegExp(`^[A-Za-z0-9_-]{1,${format.maxPayload}}$`);
  if (parts.length !== 3 || parts[0] !== format.prefix || !shape.test(parts[1]!)) return null;
  const [, payload, sig] = parts as [string, string, string];
  if (!(await hmacVerify(secret, `${format.purpose}:v1:${payload}`, sig))) return null;
  try {
    const claims: unknown = JSON.parse(fromBase64Url(payload));
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
