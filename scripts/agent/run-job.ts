/**
 * Runs one leased job: renders its GIF frame by frame over the channel
 * (HTTP callbacks when it cannot open), reporting true progress ("render"
 * per frame, then "upload") with a log line per frame and the current frame
 * as a preview every PREVIEW_EVERY frames, heartbeats while busy, uploads the
 * file and completes. A bad input fails the job for good; a cancel pushed
 * over the channel stops the work at once (over HTTP: at the next report).
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { GifRender, RenderInput } from "./gif-render";
import { JobCanceled, type JobAttempt } from "@export-tracker/worker";

export type JobOutcome =
  | { result: "completed"; bytes: number; sha256: string }
  | { result: "failed"; reason: string }
  | { result: "canceled" }
  | { result: "released" };

/** A preview frame every this many frames (and the first). */
export const PREVIEW_EVERY = 4;

export interface RunOptions {
  /** false: HTTP callbacks only (default true: the channel, HTTP when it cannot open). */
  channel?: boolean;
  /** Extra pause per frame, so people can watch the bar move (0 in tests). */
  paceMs: number;
  heartbeatTimeoutSeconds: number;
  /** Aborted when the agent is shutting down and may not finish. */
  release: AbortSignal;
  log: (event: string, fields: Record<string, unknown>) => void;
}

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Runs the attempt to its end and says how it ended; transport errors after retries are thrown. */
export async function runJob(attempt: JobAttempt, options: RunOptions): Promise<JobOutcome> {
  const input = RenderInput.safeParse(attempt.lease.job.input);
  if (!input.success) {
    const reason = `bad input for a GIF render: ${input.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
    await attempt.fail({ error: reason, retryable: false });
    return { result: "failed", reason };
  }
  if (options.channel !== false && !(await attempt.connect({ onEvent: options.log }))) {
    options.log("channel.unavailable", { job_id: attempt.jobId, fallback: "http" });
  }
  // Heartbeats cover the quiet parts (encode, upload) at a third of the timeout.
  const beatEvery = Math.max(1000, (options.heartbeatTimeoutSeconds * 1000) / 3);
  const beats = setInterval(() => attempt.heartbeat().catch(() => {}), beatEvery);
  try {
    const render = new GifRender(input.data);
    const total = input.data.frames + 1;
    while (render.framesLeft > 0) {
      if (attempt.signal.aborted) throw attempt.signal.reason;
      if (options.release.aborted) return await release(attempt);
      const started = Date.now();
      const done = render.renderFrame();
      await attempt.progress({ done, total, stage: "render", message: `frame ${done} of ${input.data.frames}` });
      await attempt.log([`frame ${done}/${input.data.frames} rendered in ${Date.now() - started} ms`]);
      if (done === 1 || done % PREVIEW_EVERY === 0) await attempt.preview(render.currentFrameGif(), "image/gif", `frame ${done}`);
      if (options.paceMs > 0) await sleep(options.paceMs, undefined, { signal: attempt.signal }).catch(() => {});
    }
    const bytes = render.finish();
    const sha256 = sha256Hex(bytes);
    await attempt.upload(bytes, "image/gif", `${attempt.jobId}.gif`);
    await attempt.progress({ done: total, total, stage: "upload", message: `${bytes.byteLength} bytes uploaded` });
    await attempt.complete({ message: `sha256 ${sha256}` });
    options.log("job.completed", { job_id: attempt.jobId, attempt: attempt.lease.job.attempt, bytes: bytes.byteLength, sha256 });
    return { result: "completed", bytes: bytes.byteLength, sha256 };
  } catch (err) {
    if (err instanceof JobCanceled) {
      options.log("job.canceled", { job_id: attempt.jobId });
      return { result: "canceled" };
    }
    throw err;
  } finally {
    clearInterval(beats);
    attempt.close();
  }
}

/** Gives the job back: it is re-queued at once for another worker, without using up an attempt. */
async function release(attempt: JobAttempt): Promise<JobOutcome> {
  await attempt.release({ reason: "the GPU worker is shutting down" });
  return { result: "released" };
}
