/** The Worker's entry: the HTTP app, the push queues' consumers and the Durable Object classes. */
import { app } from "./app";
import { consumeDeadLetters, consumePushBatch } from "./dispatch/push-consumer";
import { consumeWebhookBatch, consumeWebhookDeadLetters } from "./webhooks/consumer";
import { dropOldWebhookLog } from "./webhooks/retention";

export { DispatchCoordinator } from "./dispatch/dispatch-coordinator";
export { ExportJobState } from "./jobs/export-job-state";
export { OwnerFeed } from "./feed/owner-feed";
export { RateLimiter } from "./rate-limit/rate-limiter";

/** Which consumer a batch goes to: by queue (a dead-letter queue's name ends in "-dlq"). */
export default {
  fetch: app.fetch,
  async queue(batch, env) {
    const deadLetters = batch.queue.endsWith("-dlq");
    if (batch.queue.startsWith("export-webhooks")) {
      await (deadLetters ? consumeWebhookDeadLetters(batch, env) : consumeWebhookBatch(batch, env));
    } else if (deadLetters) await consumeDeadLetters(batch, env);
    else await consumePushBatch(batch, env);
  },
  async scheduled(controller, env) {
    await dropOldWebhookLog(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
