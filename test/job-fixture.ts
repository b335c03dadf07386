/**
 * A job as the wire shows it (`Job` of the protocol), for unit tests that need
 * one without a Durable Object: queued on attempt 1 of 3, no progress yet.
 */
import type { Job } from "../workers/protocol";

export function jobView(overrides: Partial<Job> = {}, at = "2030-01-01T00:00:00.000Z"): Job {
  return {
    id: "job_a",
    kind: "video.render",
    status: "queued",
    attempt: 1,
    max_attempts: 3,
    progress: { percent: 0, done: null, total: null, stage: null, message: null, eta_seconds: null, updated_at: null },
    error: null,
    output: null,
    download: null,
    stalled_since: null,
    retry_at: null,
    heartbeat_timeout_seconds: 60,
    created_at: at,
    updated_at: at,
    started_at: null,
    finished_at: null,
    last_heartbeat_at: null,
    ...overrides,
  };
}
