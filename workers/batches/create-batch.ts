/**
 * Creating a batch: every item checked before anything is created (an
 * invalid one refuses the whole request, naming its index), then the batch's
 * object with its members seeded as queued, then each member through the
 * one createJob path. Member ids derive from the batch id, so repeating the
 * request (Idempotency-Key) lands on the same objects and completes a
 * creation cut short.
 */
import { sha256Hex } from "../auth/digest";
import type { Config } from "../config";
import { ApiError } from "../errors";
import { createJob, MAX_INPUT_BYTES } from "../jobs/create-job";
import type { JobState } from "../jobs/job";
import type { BatchView, CreateBatchBody } from "../protocol";
import { idempotentBatchId, memberJobId, newBatchId } from "./batch-id";
import { batchObject } from "./batch-object";
import { inChunks } from "./in-chunks";

export interface CreateBatchRequest {
  owner: string;
  origin: string;
  body: CreateBatchBody;
  idempotencyKey?: string;
}

export interface CreatedBatch {
  batch: BatchView;
  replayed: boolean;
  /** In the order given. */
  jobs: JobState[];
}

/** Creates the batch and its jobs (or finds the ones an Idempotency-Key already made); throws refusals as ApiErrors. */
export async function createBatch(
  env: Env,
  config: Config,
  { owner, origin, body, idempotencyKey }: CreateBatchRequest,
): Promise<CreatedBatch> {
  body.jobs.forEach((item, i) => {
    if (JSON.stringify(item.input).length > MAX_INPUT_BYTES) {
      throw new ApiError(413, "input_too_large", `jobs.${i}.input must serialize to at most ${MAX_INPUT_BYTES} bytes`);
    }
  });
  const secret = config.signingSecret;
  const id = idempotencyKey === undefined ? newBatchId() : await idempotentBatchId(secret, owner, idempotencyKey);
  const memberIds = await Promise.all(body.jobs.map((_, i) => memberJobId(secret, owner, id, i)));
  const outcome = await batchObject(env, id).create(
    {
      id,
      owner,
      origin,
      metadata: body.metadata ?? null,
      members: body.jobs.map((item, i) => ({ jobId: memberIds[i]!, kind: item.kind })),
    },
    await sha256Hex(JSON.stringify(body)),
  );
  if (!outcome.ok) throw new ApiError(outcome.refusal.status, outcome.refusal.code, outcome.refusal.message);
  const created = await inChunks(body.jobs, (item, i) =>
    createJob(env, config, { owner, origin, body: item, member: { id: memberIds[i]!, batchId: id } }),
  );
  return { batch: outcome.batch, replayed: outcome.replayed, jobs: created.map((c) => c.job) };
}
