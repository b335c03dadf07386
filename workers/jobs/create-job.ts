/**
 * Creating a job: the one path every caller of the client API shares,
 * from a validated body to a stored job in its own object.
 */
import { sha256Hex } from "../auth/digest";
import type { Config } from "../config";
import { ApiError } from "../errors";
import type { CreateJobBody } from "../protocol";
import type { CreateOutcome } from "./outcomes";
import { idempotentJobId, newJobId } from "./job-id";
import { jobObject, refusalError } from "./job-object";
import { daysMs, hoursMs } from "./retention";
import { acceptedWebhookUrl } from "../webhooks/webhook-url";

export const MAX_INPUT_BYTES = 64 * 1024;

export interface CreateJobRequest {
  owner: string;
  /** Scheme and host the job's links are built on. */
  origin: string;
  body: CreateJobBody;
  idempotencyKey?: string;
}

/** Creates the job (or finds the one an Idempotency-Key already made); throws the refusal as an ApiError. */
export async function createJob(
  env: Env,
  config: Config,
  { owner, origin, body, idempotencyKey }: CreateJobRequest,
): Promise<Extract<CreateOutcome, { ok: true }>> {
  if (body.dispatch === "push" && config.gpuEndpoints.length === 0) {
    // Refused now rather than failed later: with no endpoint, a push job could never run.
    throw new ApiError(400, "no_gpu_endpoints", "this deployment has no GPU_ENDPOINTS configured, so it cannot run push jobs; use dispatch \"pull\" or \"external\"");
  }
  const inputJson = JSON.stringify(body.input);
  if (inputJson.length > MAX_INPUT_BYTES) {
    throw new ApiError(413, "input_too_large", `input must serialize to at most ${MAX_INPUT_BYTES} bytes`);
  }
  const id =
    idempotencyKey === undefined ? newJobId() : await idempotentJobId(config.signingSecret, owner, idempotencyKey);
  const outcome = await jobObject(env, id).create(
    {
      id,
      owner,
      kind: body.kind,
      inputJson,
      origin,
      maxAttempts: body.max_attempts ?? config.maxAttempts,
      heartbeatTimeoutMs: (body.heartbeat_timeout_seconds ?? config.heartbeatTimeoutMs / 1000) * 1000,
      dispatch: body.dispatch ?? "external",
      priority: body.priority ?? 0,
      queueTimeoutMs: (body.queue_timeout_seconds ?? config.queueTimeoutSeconds) * 1000,
      ...(body.output_retention_hours !== undefined && { outputRetentionMs: hoursMs(body.output_retention_hours) }),
      ...(body.job_retention_days !== undefined && { jobRetentionMs: daysMs(body.job_retention_days) }),
      ...(body.webhook
        ? { webhook: { url: acceptedWebhookUrl(env, body.webhook.url), events: body.webhook.events ?? null } }
        : {}),
    },
    await sha256Hex(JSON.stringify(body)),
  );
  if (!outcome.ok) throw refusalError(outcome.refusal);
  return outcome;
}
