/**
 * Batch ids (`bat_` and 26 base32 characters, 128 bits) and the ids of a
 * batch's member jobs. Both reuse the job id scheme (job-id.ts): random, or
 * an HMAC of owner and Idempotency-Key. A member's id is derived from its
 * batch id and index, so a repeated creation lands on the same job objects;
 * its derivation key contains spaces, which no client Idempotency-Key may
 * (visible ASCII only), so it can never collide with a job created alone.
 */
import { idempotentJobId, newJobId } from "../jobs/job-id";

export const BATCH_ID_PATTERN = /^bat_[a-z2-7]{26}$/;

export const isBatchId = (id: string) => BATCH_ID_PATTERN.test(id);

const asBatchId = (jobId: string) => `bat_${jobId.slice("job_".length)}`;

export function newBatchId(): string {
  return asBatchId(newJobId());
}

/** The batch id every request with this owner and Idempotency-Key maps to. */
export async function idempotentBatchId(secret: string, owner: string, key: string): Promise<string> {
  return asBatchId(await idempotentJobId(secret, owner, ` batch ${key}`));
}

/** The id of member `index` of batch `batchId`. */
export function memberJobId(secret: string, owner: string, batchId: string, index: number): Promise<string> {
  return idempotentJobId(secret, owner, ` member ${batchId} ${index}`);
}
