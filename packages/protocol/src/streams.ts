/**
 * What a job's socket carries beside its seq'd messages: log lines
 * (`job:log`, their own cursor `log_seq`) and the newest preview frame
 * (`job:preview`). Apart from channel.ts so a browser bundle keeps only these.
 */
import * as z from "zod/mini";

/** One stored log line of a job: its own cursor `log_seq`, apart from the event seq. */
export const LogLine = z.object({ log_seq: z.int(), at: z.string(), text: z.string() });
export type LogLine = z.infer<typeof LogLine>;

/** Log lines, to job sockets opened with `?logs=1`. */
export const JobLogMessage = z.object({ type: z.literal("job:log"), job_id: z.string(), lines: z.array(LogLine) });
export type JobLogMessage = z.infer<typeof JobLogMessage>;

/** The newest preview frame of a job, behind a signed, expiring URL. */
export const Preview = z.object({
  url: z.string(),
  frame: z.nullable(z.string()),
  size: z.int(),
  content_type: z.string(),
  uploaded_at: z.string(),
});
export type Preview = z.infer<typeof Preview>;

/** Sent to every job socket when a preview arrives, and on connect when the job has one. Not in the event log. */
export const JobPreviewMessage = z.object({ type: z.literal("job:preview"), job_id: z.string(), preview: Preview });
export type JobPreviewMessage = z.infer<typeof JobPreviewMessage>;

