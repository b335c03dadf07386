/**
 * The GPU worker's callbacks: progress, heartbeat, output, complete, error,
 * release, and the one answer shape they all share.
 */
import * as z from "zod/mini";
import { JobStatus } from "./job";

const shortText = (max: number) => z.string().check(z.maxLength(max));

/** Either a percent, or done/total units (the object derives the percent). */
export const ProgressReport = z
  .object({
    percent: z.optional(z.number().check(z.minimum(0), z.maximum(100))),
    done: z.optional(z.number().check(z.minimum(0))),
    total: z.optional(z.number().check(z.positive())),
    stage: z.optional(shortText(100)),
    message: z.optional(shortText(500)),
  })
  .check(
    z.refine((r) => r.percent !== undefined || (r.done !== undefined && r.total !== undefined), {
      message: "give either percent, or done and total",
    }),
    z.refine((r) => r.done === undefined || r.total === undefined || r.done <= r.total, {
      message: "done must not exceed total",
    }),
  );
export type ProgressReport = z.infer<typeof ProgressReport>;

export const CompleteReport = z.object({ message: z.optional(shortText(500)) });
export type CompleteReport = z.infer<typeof CompleteReport>;

export const ErrorReport = z.object({
  error: z.string().check(z.minLength(1), z.maxLength(2000)),
  retryable: z._default(z.boolean(), false),
});
export type ErrorReport = z.infer<typeof ErrorReport>;
/** What a worker may send (retryable defaults to false). */
export type ErrorReportRequest = z.input<typeof ErrorReport>;

/** POST {url}/release: the worker hands the job back (shutting down); it costs no attempt. */
export const ReleaseReport = z.object({ reason: z.optional(shortText(500)) });
export type ReleaseReport = z.infer<typeof ReleaseReport>;

export const OutputQuery = z.object({
  filename: z.optional(
    z
      .string()
      .check(z.regex(/^[\w][\w .-]{0,127}$/, "filename is 1-128 chars of letters, digits, ' ', '.', '_', '-'")),
  ),
});

/** Every callback answer, success or refusal, says whether to stop working. */
export const CallbackAnswer = z.object({
  ok: z.boolean(),
  job_id: z.string(),
  status: z.nullable(JobStatus),
  attempt: z.nullable(z.int()),
  canceled: z.boolean(),
  /** The seq of the job's newest event once this callback was committed (its refusal included). */
  seq: z.optional(z.nullable(z.int())),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
});
export type CallbackAnswer = z.infer<typeof CallbackAnswer>;

