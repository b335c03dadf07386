/**
 * Push mode: a push job is sent through the PUSH_QUEUE to the configured GPU
 * endpoints. This module holds both ends: the job's hook (queue a queued
 * attempt; cancel a run at its provider when the job is canceled or its
 * attempt was given up) and the send itself (round-robin with failover).
 */
import { readConfig, type Config } from "../config";
import { callbackCredentials } from "../jobs/links";
import type { JobState } from "../jobs/job";
import { log } from "../log";
import { dispatchCoordinator, pushCoordinator } from "./dispatch-coordinator";
import { failoverOrder } from "./endpoint-choice";
import { cancelRun, startRun } from "./gpu-endpoint";

/** The body of a push-queue message. */
export interface PushMessage {
  job_id: string;
  attempt: number;
}

/** The job's hook: queue a queued attempt; cancel a superseded or canceled run at its provider. */
export async function notifyPush(env: Env, job: JobState): Promise<void> {
  const config = readConfig(env);
  // Whatever ran of this job before has stopped: its slot under the owner's limit is free.
  await dispatchCoordinator(env, job.owner).freePushSlot(job.id);
  const coordinator = pushCoordinator(env);
  const finished = job.status === "completed" || job.status === "failed" || job.status === "canceled";
  const old = await coordinator.takePushRun(job.id, finished ? Number.MAX_SAFE_INTEGER : job.attempt);
  if (old && job.status !== "completed" && job.status !== "failed") {
    const canceled = await cancelRun(old.endpoint, old.runId, config.gpuEndpointTimeoutMs, config.gpuEndpointKey);
    log.info("push.run_canceled", { job_id: job.id, attempt: old.attempt, endpoint: old.endpoint, run_id: old.runId, ok: canceled });
  }
  if (job.status !== "queued") return;
  const delaySeconds = job.retryAt === null ? 0 : Math.max(0, Math.ceil((job.retryAt - Date.now()) / 1000));
  await env.PUSH_QUEUE.send({ job_id: job.id, attempt: job.attempt } satisfies PushMessage, { delaySeconds });
}

export type SendOutcome = { sent: true; endpoint: string; runId: string } | { sent: false; errors: string[] };

/**
 * Sends one queued attempt to the endpoints: round-robin (the coordinator's
 * cursor picks the first), failing over down the list; every call counts
 * toward its endpoint's health.
 */
export async function sendToEndpoints(env: Env, config: Config, job: JobState): Promise<SendOutcome> {
  const coordinator = pushCoordinator(env);
  const order = failoverOrder(config.gpuEndpoints, await coordinator.nextTurn());
  const input = {
    job_id: job.id,
    kind: job.kind,
    attempt: job.attempt,
    input: JSON.parse(job.inputJson),
    callback: await callbackCredentials(job, config),
  };
  const errors: string[] = [];
  for (const endpoint of order) {
    const outcome = await startRun(endpoint, input, config.gpuEndpointTimeoutMs, config.gpuEndpointKey);
    await coordinator.recordEndpointCall({ url: endpoint, at: Date.now(), ok: outcome.ok, error: outcome.ok ? null : outcome.error });
    if (outcome.ok) return { sent: true, endpoint, runId: outcome.runId };
    log.warn("push.endpoint_failed", { job_id: job.id, attempt: job.attempt, endpoint, error: outcome.error });
    errors.push(outcome.error);
  }
  return { sent: false, errors };
}
