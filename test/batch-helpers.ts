/**
 * Test helpers for batches: create one through the API, read it, and follow
 * its socket the way a browser does.
 */
import { collectMessages } from "./socket-messages";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { BatchResponse, BatchServerMessage, CreateBatchResponse, CreateJobBody } from "../workers/protocol";
import { api, postJson, withKey } from "./helpers";

export const item = (n: number, over: Partial<CreateJobBody> = {}): Partial<CreateJobBody> => ({
  kind: "video.render",
  input: { clip: n },
  ...over,
});

/** Creates a batch of `count` jobs (or of `jobs`) and returns the 201 body. */
export async function createBatch(
  jobs: number | Partial<CreateJobBody>[],
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Promise<CreateBatchResponse> {
  const items = typeof jobs === "number" ? Array.from({ length: jobs }, (_, i) => item(i)) : jobs;
  const res = await postJson("/api/batches", { jobs: items, ...extra }, withKey(headers));
  expect(res.status).toBe(201);
  return res.json();
}

export async function getBatch(id: string, query = "", headers = withKey()): Promise<BatchResponse> {
  const res = await api(`/api/batches/${id}${query}`, { headers });
  expect(res.status).toBe(200);
  return res.json();
}

export function batchStub(id: string) {
  return env.BATCH_STATE.get(env.BATCH_STATE.idFromName(id));
}

export interface BatchFeed {
  ws: WebSocket;
  messages: BatchServerMessage[];
  waitFor(match: (m: BatchServerMessage) => boolean, timeoutMs?: number): Promise<BatchServerMessage>;
  close(): void;
}

/** Opens a batch's socket; by default with the API key. */
export async function openBatchFeed(id: string, query = "", headers: Record<string, string> = withKey()): Promise<BatchFeed> {
  const res = await api(`/api/batches/${id}/ws${query}`, { headers: { upgrade: "websocket", ...headers } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const { messages, waitFor } = collectMessages<BatchServerMessage>(ws, 5000);
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
