/** The webhook settings of the Worker's vars, read with defaults. */
import { z } from "zod";

const WebhookVars = z.object({
  ALLOW_LOOPBACK_WEBHOOKS: z.string().optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  WEBHOOK_PROGRESS_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000),
});

export interface WebhookConfig {
  /** Loopback receivers are accepted (npm run dev, for webhooks:listen). */
  allowLoopback: boolean;
  /** How long one attempt may take. */
  timeoutMs: number;
  /** Least time between two job.progress webhooks of one job. */
  progressIntervalMs: number;
}

export function readWebhookConfig(env: Env): WebhookConfig {
  const vars = WebhookVars.parse(env);
  return {
    allowLoopback: vars.ALLOW_LOOPBACK_WEBHOOKS === "true",
    timeoutMs: vars.WEBHOOK_TIMEOUT_MS,
    progressIntervalMs: vars.WEBHOOK_PROGRESS_INTERVAL_MS,
  };
}
