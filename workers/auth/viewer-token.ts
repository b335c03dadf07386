/**
 * Viewer tokens: short-lived, read-only credentials for browsers, scoped to
 * one job, to one batch (the batch and its member jobs), or to all of one
 * owner's jobs. The token is
 * `vt1.<base64url JSON {o: owner, j: job id or null, b?: batch id, e: expiry in unix s}>.<HMAC>`,
 * so checking one needs no storage.
 */
import { signClaims, verifyClaims } from "./signed-claims";

export interface ViewerScope {
  owner: string;
  /** The one job the token may see, or null for every job of the owner. */
  jobId: string | null;
  /** The one batch the token may see (its members included), or null (also when absent). */
  batchId?: string | null;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

const FORMAT = { prefix: "vt1", purpose: "viewer", maxPayload: 2048 };

/** A viewer token for `scope`. */
export async function signViewerToken(secret: string, scope: ViewerScope): Promise<string> {
  return signClaims(FORMAT, secret, {
    o: scope.owner,
    j: scope.jobId,
    ...(scope.batchId != null && { b: scope.batchId }),
    e: Math.floor(scope.expiresAt / 1000),
  });
}

export type ViewerCheck = { ok: true; scope: ViewerScope } | { ok: false; reason: "invalid" | "expired" };

/** Whether `token` is a genuine, unexpired viewer token, and what it may see. */
export async function verifyViewerToken(secret: string, token: string, now: number): Promise<ViewerCheck> {
  const claims = await verifyClaims(FORMAT, secret, token);
  if (!claims) return { ok: false, reason: "invalid" };
  if (typeof claims.o !== "string" || typeof claims.e !== "number" || !(claims.j === null || typeof claims.j === "string")) {
    return { ok: false, reason: "invalid" };
  }
  if (!(claims.b === undefined || typeof claims.b === "string")) return { ok: false, reason: "invalid" };
  const expiresAt = claims.e * 1000;
  if (expiresAt <= now) return { ok: false, reason: "expired" };
  const batch = claims.b === undefined ? {} : { batchId: claims.b };
  return { ok: true, scope: { owner: claims.o, jobId: claims.j, ...batch, expiresAt } };
}

/** Whether the scope covers every job of its owner (neither one job nor one batch). */
export const isOwnerScope = (scope: ViewerScope) => scope.jobId === null && scope.batchId == null;

/** Whether a scope lets its holder see job `jobId` of `owner`, a member of batch `batchId` (or of none). */
export function viewerMaySee(scope: ViewerScope, owner: string, jobId: string, batchId: string | null = null): boolean {
  if (scope.owner !== owner) return false;
  if (scope.batchId != null) return batchId === scope.batchId;
  return scope.jobId === null || scope.jobId === jobId;
}

/** Whether a scope lets its holder see batch `batchId` of `owner`. */
export function viewerMaySeeBatch(scope: ViewerScope, owner: string, batchId: string): boolean {
  return scope.owner === owner && (isOwnerScope(scope) || scope.batchId === batchId);
}
