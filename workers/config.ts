/**
 * Reads the Worker's vars and secrets into a typed config, parsed once per
 * env object (a cache: parsing again would give the same answer).
 * A missing or weak secret is an error, never a silent default: a deployed
 * Worker without one refuses requests and says which secret to set.
 */
import { z } from "zod";
import { progressIntervalMs } from "./channel/progress-coalescing";
import { parseOwnerLimits } from "./dispatch/owner-limit";
import { CHANNEL_LIMITS } from "./protocol";

export class ConfigError extends Error {}

const secret = (name: string) =>
  z
    .string({ error: `${name} is not set: run \`wrangler secret put ${name}\` (locally: add it to .dev.vars)` })
    .min(16, `${name} is too short: use at least 16 random characters`);

const seconds = z.coerce.number().positive();

const ConfigSchema = z.object({
  SIGNING_SECRET: secret("SIGNING_SECRET"),
  HEARTBEAT_TIMEOUT_SECONDS: seconds.default(60),
  MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  RETRY_BACKOFF_SECONDS: z.coerce.number().min(0).default(5),
  DOWNLOAD_URL_TTL_SECONDS: seconds.default(3600),
  MAX_OUTPUT_BYTES: z.coerce.number().int().positive().default(100_000_000),
  MIRROR_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
  GPU_ENDPOINTS: z.string().default(""),
  GPU_ENDPOINT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  PUSH_MAX_RETRIES: z.coerce.number().int().min(0).max(8).default(3),
  GPU_ENDPOINT_KEY: z.string().min(1).optional(),
  JOBS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  CORS_ORIGINS: z.string().default(""),
  D1_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  QUEUE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(86_400),
  MAX_RUNNING_PER_OWNER: z.coerce.number().int().min(0).default(0),
  OWNER_MAX_RUNNING: z.string().default(""),
  OUTPUT_RETENTION_HOURS: z.coerce.number().min(0).default(168),
  JOB_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  ALLOW_LOOPBACK_WEBHOOKS: z.string().optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  WEBHOOK_PROGRESS_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000),
  BROWSER_PROGRESS_PER_SECOND: z.coerce.number().min(0).default(CHANNEL_LIMITS.progressEventsPerSecond),
});

export interface Config {
  signingSecret: string;
  heartbeatTimeoutMs: number;
  maxAttempts: number;
  retryBackoffMs: number;
  downloadTtlSeconds: number;
  maxOutputBytes: number;
  mirrorIntervalMs: number;
  /** Push mode: RunPod-style endpoints, in round-robin order. */
  gpuEndpoints: string[];
  gpuEndpointTimeoutMs: number;
  /** Optional secret sent to the GPU endpoints as a bearer token. */
  gpuEndpointKey: string | undefined;
  /** Push mode: queue redeliveries (with backoff) before the job fails. */
  pushMaxRetries: number;
  /** Job creations each API key may make per minute (a burst of as many is allowed). */
  jobsPerMinute: number;
  /** Browser origins allowed to call the API cross-origin. */
  corsOrigins: string[];
  /** Longest wait for D1 on the request path before a 503 storage_unavailable. */
  d1TimeoutMs: number;
  /** Default per job: queued this long without a worker taking it, the job fails as expired. */
  queueTimeoutSeconds: number;
  /** Pull leases and push sends of one owner running at once (0: no limit); per owner in the overrides. */
  maxRunningPerOwner: number;
  maxRunningByOwner: Map<string, number>;
  /** Retention after a job finished, in ms (0: keep): its output in R2, then the whole job. */
  outputRetentionMs: number;
  jobRetentionMs: number;
  /** Webhooks may go to loopback hosts (npm run dev, for webhooks:listen). */
  allowLoopbackWebhooks: boolean;
  /** How long one webhook attempt may take. */
  webhookTimeoutMs: number;
  /** Least time between two job.progress webhooks of one job. */
  webhookProgressIntervalMs: number;
  /** Least time between two `job:progress` events browsers get of one job (0: every report). */
  browserProgressIntervalMs: number;
}

function ownerLimits(text: string): Map<string, number> {
  try {
    return parseOwnerLimits(text);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

const parsedByEnv = new WeakMap<Env, Config>();

/** The config of `env`, or a ConfigError naming what is wrong (not cached, so a fix is seen at once). */
export function readConfig(env: Env): Config {
  let config = parsedByEnv.get(env);
  if (!config) parsedByEnv.set(env, (config = parseConfig(env)));
  return config;
}

function parseConfig(env: Env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => i.message).join("; "));
  }
  const c = parsed.data;
  return {
    signingSecret: c.SIGNING_SECRET,
    heartbeatTimeoutMs: c.HEARTBEAT_TIMEOUT_SECONDS * 1000,
    maxAttempts: c.MAX_ATTEMPTS,
    retryBackoffMs: c.RETRY_BACKOFF_SECONDS * 1000,
    downloadTtlSeconds: c.DOWNLOAD_URL_TTL_SECONDS,
    maxOutputBytes: c.MAX_OUTPUT_BYTES,
    mirrorIntervalMs: c.MIRROR_INTERVAL_MS,
    gpuEndpoints: c.GPU_ENDPOINTS.split(/[\s,]+/).filter(Boolean).map((u) => u.replace(/\/+$/, "")),
    gpuEndpointTimeoutMs: c.GPU_ENDPOINT_TIMEOUT_MS,
    gpuEndpointKey: c.GPU_ENDPOINT_KEY,
    pushMaxRetries: c.PUSH_MAX_RETRIES,
    jobsPerMinute: c.JOBS_PER_MINUTE,
    corsOrigins: c.CORS_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean),
    d1TimeoutMs: c.D1_TIMEOUT_MS,
    queueTimeoutSeconds: c.QUEUE_TIMEOUT_SECONDS,
    maxRunningPerOwner: c.MAX_RUNNING_PER_OWNER,
    maxRunningByOwner: ownerLimits(c.OWNER_MAX_RUNNING),
    outputRetentionMs: c.OUTPUT_RETENTION_HOURS * 3_600_000,
    jobRetentionMs: c.JOB_RETENTION_DAYS * 86_400_000,
    allowLoopbackWebhooks: c.ALLOW_LOOPBACK_WEBHOOKS === "true",
    webhookTimeoutMs: c.WEBHOOK_TIMEOUT_MS,
    webhookProgressIntervalMs: c.WEBHOOK_PROGRESS_INTERVAL_MS,
    browserProgressIntervalMs: progressIntervalMs(c.BROWSER_PROGRESS_PER_SECOND),
  };
}
