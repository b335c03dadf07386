/**
 * The Worker's view of the wire protocol. Every HTTP body and WebSocket
 * message is defined once, in the shared package @export-tracker/protocol
 * (packages/protocol, zod/mini schemas that the browser client, the worker
 * SDK and the backend client import too); this module re-exports it so the
 * Worker imports one place, and is where definitions only the Worker needs
 * would live.
 */
import { config, locales } from "zod";

// zod/mini leaves issue messages to the configured locale ("Invalid input"
// without one); the Worker's 400 answers name what is wrong, in English.
config(locales.en());

export * from "@export-tracker/protocol";
