/**
 * @export-tracker/protocol: every HTTP body and WebSocket message of the
 * export-job tracker, as zod/mini schemas with their inferred types. The
 * Worker validates with these; the browser client, the worker SDK and the
 * backend client import them, so no party can drift from another.
 * Side-effect free: a bundle keeps only the schemas it uses.
 */
export * from "./job";
export * from "./job-input";
export * from "./callback-names";
export * from "./client-api";
export * from "./callbacks";
export * from "./lease";
export * from "./messages";
export * from "./feed";
export * from "./event-log";
export * from "./batch";
export * from "./batch-api";
export * from "./webhooks";
export * from "./errors";
export * from "./http-retry";
export * from "./streams";
export * from "./channel";
export * from "./query";
