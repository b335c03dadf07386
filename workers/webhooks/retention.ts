/** The daily cron: webhook delivery log rows older than 30 days are dropped. */
import { dropOldDeliveries } from "../db/webhook-deliveries";
import { log } from "../log";
import { LOG_RETENTION_MS } from "./retry-schedule";

export async function dropOldWebhookLog(env: Env, now: number): Promise<void> {
  await dropOldDeliveries(env.DB, now - LOG_RETENTION_MS);
  log.info("webhook.log_trimmed", { before: new Date(now - LOG_RETENTION_MS).toISOString() });
}
