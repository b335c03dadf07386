/**
 * The pull-mode API for GPU workers (a worker key, `wk_`): POST /api/worker/lease
 * long-polls the coordinator of the key's owner for the next queued job and claims its attempt
 * at the job's object, which starts the job's heartbeat clock.
 */
import { Hono } from "hono";
import { requireWorkerKey } from "../auth/worker-key";
import { dispatchCoordinator } from "../dispatch/dispatch-coordinator";
import { ownerMaxRunning } from "../dispatch/owner-limit";
import { leaseExpiresAt, toDispatchView } from "../dispatch/queue-plan";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import { jobObject } from "../jobs/job-object";
import { callbackCredentials } from "../jobs/links";
import { log } from "../log";
import { LeaseRequest, type LeaseResponse } from "../protocol";
import type { Config } from "../config";

/** Pause between two looks at an empty queue while long-polling. */
const POLL_INTERVAL_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One try: lease the best entry and claim it at its job. An entry whose job
 * moved on (canceled, re-queued) is dropped and the job re-syncs the
 * coordinator; then the next entry is tried.
 */
async function leaseOnce(
  env: Env,
  config: Config,
  owner: string,
  request: ReturnType<typeof LeaseRequest.parse>,
  signal: AbortSignal,
): Promise<LeaseResponse | null> {
  const coordinator = dispatchCoordinator(env, owner);
  for (;;) {
    const entry = await coordinator.lease(request.worker, Date.now(), request.kinds, ownerMaxRunning(config, owner));
    if (!entry) return null;
    if (signal.aborted) {
      // The worker hung up while we waited: hand the entry back rather than claim it for no one.
      await coordinator.forget(entry.jobId, entry.attempt);
      const job = await jobObject(env, entry.jobId).read();
      if (job) await coordinator.sync(toDispatchView(job));
      return null;
    }
    const outcome = await jobObject(env, entry.jobId).claim(entry.attempt, request.worker);
    if (!outcome.ok) {
      log.warn("lease.claim_refused", { job_id: entry.jobId, attempt: entry.attempt, code: outcome.refusal.code });
      await coordinator.forget(entry.jobId, entry.attempt);
      if (outcome.job) await coordinator.sync(toDispatchView(outcome.job));
      continue;
    }
    const job = outcome.job;
    log.info("lease.granted", { owner, job_id: job.id, attempt: job.attempt, worker: request.worker });
    return {
      job: { id: job.id, kind: job.kind, input: JSON.parse(job.inputJson), attempt: job.attempt, priority: job.priority ?? 0 },
      callback: await callbackCredentials(job, config),
      lease: {
        expires_at: new Date(leaseExpiresAt(job.lastHeartbeatAt ?? Date.now(), job.heartbeatTimeoutMs)).toISOString(),
        heartbeat_timeout_seconds: job.heartbeatTimeoutMs / 1000,
      },
      canceled: false,
    };
  }
}

export const workerRoutes = new Hono<AppEnv>().post(
  "/lease",
  requireWorkerKey,
  jsonBody(16 * 1024, { optional: true }),
  validate("json", LeaseRequest),
  async (c) => {
    const request = c.req.valid("json");
    const deadline = Date.now() + request.wait_seconds * 1000;
    for (;;) {
      // Checked before each try: a job leased for a worker that hung up mid-poll would wait out its heartbeat timeout.
      if (c.req.raw.signal.aborted) return c.body(null, 204);
      const leased = await leaseOnce(c.env, c.var.config, c.var.owner, request, c.req.raw.signal);
      if (leased) return c.json(leased);
      const left = deadline - Date.now();
      if (left <= 0) return c.body(null, 204);
      await sleep(Math.min(POLL_INTERVAL_MS, left));
    }
  },
);
