/** Pull mode: a worker leases the next job of its owner, then reports through the callbacks. */
import * as z from "zod/mini";
import { CallbackCredentials } from "./client-api";
import { JobKind, JsonValue } from "./job-input";

/** POST /api/worker/lease body. */
export const LeaseRequest = z.object({
  /** A name for logs and stats, e.g. the host name. */
  worker: z._default(z.string().check(z.minLength(1), z.maxLength(100)), "anonymous"),
  /** Only jobs of these kinds; all kinds when left out. */
  kinds: z.optional(z.array(JobKind).check(z.maxLength(50))),
  /** Long-poll: how long to wait for a job before answering 204 (0-25 s). */
  wait_seconds: z._default(z.number().check(z.minimum(0), z.maximum(25)), 25),
});
export type LeaseRequest = z.input<typeof LeaseRequest>;

/** The lease answer: everything a worker needs to run one attempt of a job. */
export const LeaseResponse = z.object({
  job: z.object({
    id: z.string(),
    kind: z.string(),
    input: JsonValue,
    attempt: z.int(),
    priority: z.int(),
  }),
  callback: CallbackCredentials,
  lease: z.object({
    /** The lease lapses (and the job is re-queued) without a callback by then; each callback extends it. */
    expires_at: z.string(),
    heartbeat_timeout_seconds: z.number(),
  }),
  canceled: z.boolean(),
});
export type LeaseResponse = z.infer<typeof LeaseResponse>;
