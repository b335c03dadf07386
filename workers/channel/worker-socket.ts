/**
 * The worker's socket on a job's object: accepted hibernatable and tagged
 * with its attempt (asked of the runtime by tag, never kept in memory), told
 * `canceled` the moment the job is, and closed with a CHANNEL_CLOSE code
 * once its attempt is superseded or the job finishes.
 */
import type { JobState } from "../jobs/job";
import { CHANNEL_CLOSE, isTerminal, type ChannelServerMessage } from "../protocol";

export const WORKER_TAG = "worker";
export const BROWSER_TAG = "browser";
export const LOGS_TAG = "logs";
const attemptTag = (attempt: number) => `worker:${attempt}`;

/** What a worker socket carries across hibernation. */
export interface WorkerAttachment {
  role: "worker";
  attempt: number;
  connectedAt: number;
}

export function workerAttachment(ws: WebSocket): WorkerAttachment | null {
  try {
    const a = ws.deserializeAttachment() as { role?: string } | null;
    return a?.role === "worker" ? (a as WorkerAttachment) : null;
  } catch {
    return null;
  }
}

export function sendTo(ws: WebSocket, message: ChannelServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // Closing already.
  }
}

/** Tells the worker why, then closes (a server close reaches a client late locally, so the message goes first). */
export function closeWorker(ws: WebSocket, code: number, reason: string): void {
  sendTo(ws, { type: "closing", code, reason });
  try {
    ws.close(code, reason);
  } catch {
    // Closed already.
  }
}

/**
 * Accepts a worker socket for `attempt` of `job`, or answers why not (409, like a refused callback).
 * A newer socket of the same attempt replaces the older one.
 */
export function acceptWorkerSocket(ctx: DurableObjectState, job: JobState, attempt: number, now: number): Response {
  const refusal = attempt !== job.attempt
    ? { code: "stale_attempt", message: `this token is for attempt ${attempt}, but the job is on attempt ${job.attempt}` }
    : isTerminal(job.status)
      ? { code: job.status === "canceled" ? "job_canceled" : "job_finished", message: `the job is ${job.status}` }
      : null;
  if (refusal) return Response.json({ error: refusal }, { status: 409 });
  for (const old of ctx.getWebSockets(attemptTag(attempt))) {
    closeWorker(old, CHANNEL_CLOSE.replaced, "a newer channel for this attempt replaced this one");
  }
  const { 0: client, 1: server } = new WebSocketPair();
  ctx.acceptWebSocket(server, [WORKER_TAG, attemptTag(attempt)]);
  server.serializeAttachment({ role: "worker", attempt, connectedAt: now } satisfies WorkerAttachment);
  return new Response(null, { status: 101, webSocket: client });
}

/**
 * After a commit: pushes `canceled` and closes the sockets whose attempt can no longer report.
 * Answers whether it told any socket something.
 */
export function settleWorkerSockets(ctx: DurableObjectState, job: JobState): boolean {
  let told = false;
  for (const ws of ctx.getWebSockets(WORKER_TAG)) {
    const attachment = workerAttachment(ws);
    if (!attachment) continue;
    if (attachment.attempt !== job.attempt) {
      closeWorker(ws, CHANNEL_CLOSE.superseded, `the job moved on to attempt ${job.attempt}`);
    } else if (job.status === "canceled") {
      sendTo(ws, { type: "canceled" });
      closeWorker(ws, CHANNEL_CLOSE.canceled, "the job was canceled");
    } else if (isTerminal(job.status)) {
      closeWorker(ws, CHANNEL_CLOSE.finished, `the job is ${job.status}`);
    } else {
      continue;
    }
    told = true;
  }
  return told;
}
