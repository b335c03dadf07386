/**
 * Test helpers: talk to the Worker the way clients do, through its fetch
 * handler inside workerd, against the real Durable Objects, D1 and R2.
 */
import { collectMessages } from "./socket-messages";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { CallbackAnswer, CreateJobBody, CreateJobResponse, Job, ServerMessage } from "../workers/protocol";

export const ORIGIN = "https://tracker.test";
export const API_KEY = env.API_KEY;

/** A request to the Worker; `path` is relative to ORIGIN. */
export function api(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export const withKey = (headers: Record<string, string> = {}) => ({ authorization: `Bearer ${API_KEY}`, ...headers });

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return api(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Creates a job through the API and returns the 201 body. */
export async function createJob(
  body: Partial<CreateJobBody> = {},
  headers: Record<string, string> = {},
): Promise<CreateJobResponse> {
  const res = await postJson("/api/jobs", { kind: "video.render", input: { frames: 10 }, ...body }, withKey(headers));
  expect(res.status).toBe(201);
  return res.json();
}

export async function getJob(id: string): Promise<Job & { input: unknown }> {
  const res = await api(`/api/jobs/${id}`, { headers: withKey() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { job: Job & { input: unknown } }).job;
}

/** A GPU-worker callback with a token; returns the status and the answer. */
export async function callback(
  created: Pick<CreateJobResponse, "job" | "callback">,
  name: "progress" | "heartbeat" | "complete" | "error",
  body?: unknown,
  token = created.callback.token,
): Promise<{ status: number; body: CallbackAnswer }> {
  const res = await api(`/api/jobs/${created.job.id}/callbacks/${name}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function uploadOutput(
  created: Pick<CreateJobResponse, "job" | "callback">,
  bytes: Uint8Array,
  contentType = "video/mp4",
  query = "",
): Promise<Response> {
  return api(`/api/jobs/${created.job.id}/callbacks/output${query}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${created.callback.token}`,
      "content-type": contentType,
      "content-length": String(bytes.byteLength),
    },
    body: bytes,
  });
}

export function jobStub(id: string) {
  return env.EXPORT_JOB.get(env.EXPORT_JOB.idFromName(id));
}

/** The event log as the object stores it. */
export async function eventLog(id: string): Promise<ServerMessage[]> {
  const { runInDurableObject } = await import("cloudflare:test");
  return runInDurableObject(jobStub(id), (_instance, state) =>
    state.storage.sql
      .exec<{ message: string }>("SELECT message FROM events ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(r.message) as ServerMessage),
  );
}

/** A message that carries the job: every one but `error`. */
export type JobMessage = Exclude<ServerMessage, { type: "error" }>;

/** A WebSocket to a job's feed that collects every message it receives. */
export interface Feed {
  ws: WebSocket;
  messages: ServerMessage[];
  /** Resolves with the first message received that matches `match`. */
  waitFor<T extends ServerMessage = JobMessage>(match: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<T>;
  close(): void;
}

/** Opens a job's feed; by default with the API key, else as `headers` say (e.g. none, with `?token=`). */
export async function openFeed(id: string, query = "", headers: Record<string, string> = withKey()): Promise<Feed> {
  const res = await api(`/api/jobs/${id}/ws${query}`, { headers: { upgrade: "websocket", ...headers } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const { messages, waitFor } = collectMessages<ServerMessage>(ws);
  return {
    ws,
    messages,
    waitFor,
    close() {
      try {
        ws.close(1000, "done");
      } catch {
        // Already closed.
      }
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
