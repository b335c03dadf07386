/**
 * Helpers of the webhook tests: a fresh owner (with its own client key) per
 * test, so deliveries of one test never reach another's endpoints; a fake
 * customer receiver behind a mocked fetch (hosts *.receiver.test); and the
 * messages the job objects hand to the webhook queue.
 */
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { recordFor } from "../workers/auth/api-keys";
import { insertApiKey } from "../workers/db/api-keys";
import type { JobWebhookEventType, JobWithInput, WebhookEventType, WebhookWithSecret } from "../workers/protocol";
import type { WebhookDeps } from "../workers/webhooks/attempt";
import type { JobEventMessage } from "../workers/webhooks/messages";
import { postJson } from "./helpers";
import { jobView } from "./job-fixture";

let owners = 0;

/** A new owner and a client key of it. */
export async function newOwner(): Promise<{ owner: string; key: string; auth: { authorization: string } }> {
  const owner = `hooks-${++owners}-${crypto.randomUUID().slice(0, 8)}`;
  const key = `sk_${crypto.randomUUID().replaceAll("-", "")}`;
  await insertApiKey(env.DB, (await recordFor(key, owner, "webhook test", Date.now())).row);
  return { owner, key, auth: { authorization: `Bearer ${key}` } };
}

export async function createWebhook(auth: Record<string, string>, body: { url: string; events?: WebhookEventType[] }) {
  const res = await postJson("/api/webhooks", body, auth);
  if (res.status !== 201) throw new Error(`POST /api/webhooks answered ${res.status}: ${await res.text()}`);
  return res.json<WebhookWithSecret>();
}

export interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
  redirect: Request["redirect"];
}

type Answer = (signal: AbortSignal | undefined) => Promise<Response>;

/** A fake receiver: what it got, and how it answers (per host; 200 by default). */
export function fakeReceiver() {
  const received: Received[] = [];
  const answers: Record<string, Answer[]> = {};
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".receiver.test")) return realFetch(input, init);
    received.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.text(), redirect: request.redirect });
    const answer = answers[url.hostname]?.shift() ?? (async () => new Response("ok"));
    return answer(init?.signal ?? undefined);
  });
  return {
    received,
    /** The next answers of `host`, in order (then 200 again). */
    answerWith(host: string, ...next: Answer[]) {
      (answers[host] ??= []).push(...next);
    },
    to: (host: string) => received.filter((r) => new URL(r.url).hostname === host),
  };
}

export const status = (code: number, body = "", headers: Record<string, string> = {}): Answer => async () =>
  new Response(body || null, { status: code, headers });
export const hang: Answer = (signal) =>
  new Promise((_resolve, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));

/** Webhook deps with a clock the test moves. */
export function testDeps(start = Date.now()) {
  const clock = { now: start };
  const deps: WebhookDeps = { env, now: () => clock.now, random: () => 0.5 };
  return { deps, clock };
}

/** The message a job object hands over for one event. */
export function jobEventMessage(owner: string, type: JobWebhookEventType, seq: number, jobId = `job_${crypto.randomUUID().slice(0, 8)}`): JobEventMessage {
  const at = new Date().toISOString();
  const status = type === "job.completed" ? "completed" : type === "job.created" ? "queued" : "running";
  const job: JobWithInput = { ...jobView({ id: jobId, status }, at), input: { frames: 10 } };
  return { kind: "job_event", owner, origin: "https://tracker.test", job_webhook: null, event: { type, seq, at, job } };
}
