/** The Worker's entry: the HTTP app and the Durable Object class it binds. */
import { app } from "./app";

export { DispatchCoordinator } from "./dispatch/dispatch-coordinator";
export { ExportJobState } from "./jobs/export-job-state";

export default app satisfies ExportedHandler<Env>;
