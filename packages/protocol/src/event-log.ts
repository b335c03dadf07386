/**
 * GET /api/jobs/:id/events: a job's stored event log for the console's
 * timeline. Apart from messages.ts so a browser bundle that only follows
 * sockets does not carry the query parsing.
 */
import * as z from "zod/mini";
import { JobEvent } from "./messages";
import { queryInteger } from "./query";

/** GET /api/jobs/:id/events?since=&limit=: the stored event log, oldest first (the object keeps the last 1,000). */
export const EventLogQuery = z.object({
  since: z._default(queryInteger(0, Number.MAX_SAFE_INTEGER), 0),
  limit: z._default(queryInteger(1, 500), 200),
});
export const EventLogResponse = z.object({
  events: z.array(JobEvent),
  /** Ask again with this `since` for the next page; null when this page reached the newest event. */
  next_since: z.nullable(z.int()),
});
export type EventLogResponse = z.infer<typeof EventLogResponse>;
