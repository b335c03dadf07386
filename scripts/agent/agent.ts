/**
 * `npm run worker`: the reference GPU worker agent (pull mode). It leases jobs
 * from the tracker with a worker key (wk_, only its owner's jobs), renders each job's animated GIF
 * (see gif-render.ts), reports progress, uploads and completes, with
 * --concurrency jobs at a time. SIGTERM or SIGINT: it stops leasing, gives
 * running jobs --grace seconds to finish, then releases the rest (they go
 * back to the queue). Logs are JSON lines; each completed job logs its sha256.
 */
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { readWorkerKey, runMain, Stop } from "../lib/api-client";
import { parseFlags } from "../lib/flags";
import { ProtocolError, WorkerClient } from "@export-tracker/worker";
import { runJob } from "./run-job";

const USAGE = `usage: npm run worker -- [--url URL] [--concurrency N] [--kinds a,b] [--name NAME] [--pace MS] [--grace S] [--once]
  --url          tracker (default http://localhost:8787)
  --concurrency  jobs at a time (default 2)
  --kinds        only these job kinds, comma-separated (default: any pull job)
  --name         this worker's name in the tracker's logs (default the host name)
  --pace         extra ms per frame, so a person can watch the progress (default 0)
  --grace        seconds running jobs get to finish on SIGTERM before they are released (default 20)
The worker key (wk_...) comes from $WORKER_KEY, else from .dev-worker-key; it leases only its owner's jobs.`;

const FLAGS = {
  url: { type: "string", default: "http://localhost:8787" },
  concurrency: { type: "string", default: "2" },
  kinds: { type: "string" },
  name: { type: "string", default: `${hostname()}-${process.pid}` },
  pace: { type: "string", default: "0" },
  grace: { type: "string", default: "20" },
  help: { type: "boolean", short: "h", default: false },
} as const;

const log = (event: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), event, ...fields }));

function readOptions() {
  const v = parseFlags(FLAGS, USAGE);
  const whole = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Stop(`--${name} must be a whole number >= ${min}\n${USAGE}`, 2);
    return n;
  };
  return {
    baseUrl: v.url,
    concurrency: whole("concurrency", v.concurrency, 1),
    kinds: v.kinds?.split(",").map((k) => k.trim()).filter(Boolean),
    name: v.name,
    paceMs: whole("pace", v.pace, 0),
    graceMs: whole("grace", v.grace, 0) * 1000,
  };
}

async function main(): Promise<void> {
  const options = readOptions();
  const client = new WorkerClient({
    baseUrl: options.baseUrl,
    workerKey: readWorkerKey(),
    worker: options.name,
    onRetry: (what, n, reason) => log("http.retry", { what, try: n, reason }),
  });
  const stopLeasing = new AbortController();
  const release = new AbortController();
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log("agent.stopping", { signal, grace_seconds: options.graceMs / 1000 });
      stopLeasing.abort();
      setTimeout(() => release.abort(), options.graceMs).unref();
    });
  }

  /** One slot: lease, run, repeat until the agent stops. */
  async function slot(n: number): Promise<void> {
    while (!stopping) {
      let lease;
      try {
        lease = await client.lease({ kinds: options.kinds }, stopLeasing.signal);
      } catch (err) {
        if (stopping) return;
        if (err instanceof ProtocolError && err.status === 401) throw new Stop(`the tracker refused the worker key: ${err.message}`, 1);
        log("lease.failed", { slot: n, error: (err as Error).message });
        await sleep(2000);
        continue;
      }
      if (!lease) continue;
      log("job.leased", { slot: n, job_id: lease.job.id, kind: lease.job.kind, attempt: lease.job.attempt });
      try {
        const outcome = await runJob(client.attempt(lease), {
          paceMs: options.paceMs,
          heartbeatTimeoutSeconds: lease.lease.heartbeat_timeout_seconds,
          release: release.signal,
          log,
        });
        log("job.ended", { slot: n, job_id: lease.job.id, ...outcome });
      } catch (err) {
        // The tracker refused us for good or was out of reach: the job's own heartbeat timeout re-queues it.
        log("job.abandoned", { slot: n, job_id: lease.job.id, error: (err as Error).message });
      }
    }
  }

  log("agent.started", { url: options.baseUrl, worker: options.name, concurrency: options.concurrency, kinds: options.kinds ?? "any" });
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => slot(i + 1)));
  log("agent.stopped");
}

runMain(main);
