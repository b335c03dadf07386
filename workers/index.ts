/** The Worker's entry: the HTTP app and the Durable Object class it binds. */
import { app } from "./app";

export { ExportJobState } from "./jobs/export-job-state";
export { OwnerFeed } from "./feed/owner-feed";
export { RateLimiter } from "./rate-limit/rate-limiter";

export default app satisfies ExportedHandler<Env>;
