/**
 * A page of a job object's event log for the console's timeline: the stored
 * events after `since`, oldest first, whatever has already been trimmed.
 * Reads the `events` table JobStore keeps; it never writes.
 */
import type { EventLogResponse, JobEvent } from "../protocol";

/** Up to `limit` events after `since`, and the `since` of the next page (null at the end). */
export function readEventLogPage(sql: SqlStorage, since: number, limit: number): EventLogResponse {
  const rows = sql
    .exec<{ seq: number; message: string }>("SELECT seq, message FROM events WHERE seq > ? ORDER BY seq LIMIT ?", since, limit + 1)
    .toArray();
  const page = rows.slice(0, limit);
  return {
    events: page.map((r) => JSON.parse(r.message) as JobEvent),
    next_since: rows.length > limit ? page.at(-1)!.seq : null,
  };
}
