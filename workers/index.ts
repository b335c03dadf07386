/** The Worker's entry: the HTTP app, the push queues' consumers and the Durable Object classes. */
import { app } from "./app";
import { consumeDeadLetters, consumePushBatch } from "./dispatch/push-consumer";

export { BatchState } from "./batches/batch-state";
export { DispatchCoordinator } from "./dispatch/dispatch-coordinator";
export { ExportJobState } from "./jobs/export-job-state";
export { OwnerFeed } from "./feed/owner-feed";
export { RateLimiter } from "./rate-limit/rate-limiter";

/** Which consumer a batch goes to: the dead-letter queue's name ends in "-dlq". */
export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else await consumePushBatch(batch, env);
  },
} satisfies ExportedHandler<Env>;
