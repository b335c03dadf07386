/**
 * Test helpers for the worker channel: a worker's WebSocket to its job that
 * collects what the object sends, and waits for answers by id.
 */
import { collectMessages } from "./socket-messages";
import { expect } from "vitest";
import type {
  ChannelReportInput,
  ChannelServerMessage,
  CreateJobResponse,
  JobLogMessage,
  JobPreviewMessage,
  JobSocketMessage,
} from "../workers/protocol";
import { api, type Feed } from "./helpers";

export interface WorkerChannel {
  ws: WebSocket;
  messages: ChannelServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  send(report: ChannelReportInput | string | ArrayBuffer): void;
  /** Resolves with the first message matching `match`. */
  waitFor(match: (m: ChannelServerMessage) => boolean, timeoutMs?: number): Promise<ChannelServerMessage>;
  /** Sends `report` and resolves with its ack or refusal. */
  request(report: ChannelReportInput): Promise<ChannelServerMessage>;
  close(): void;
}

export function channelUpgrade(created: Pick<CreateJobResponse, "job" | "callback">, token = created.callback.token) {
  return api(`/api/jobs/${created.job.id}/callbacks/ws`, {
    headers: { upgrade: "websocket", authorization: `Bearer ${token}` },
  });
}

export async function openChannel(created: Pick<CreateJobResponse, "job" | "callback">, token?: string): Promise<WorkerChannel> {
  const res = await channelUpgrade(created, token);
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const { messages, waitFor } = collectMessages<ChannelServerMessage>(ws);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  const send = (report: ChannelReportInput | string | ArrayBuffer) =>
    ws.send(typeof report === "string" || report instanceof ArrayBuffer ? report : JSON.stringify(report));
  return {
    ws,
    messages,
    closed,
    send,
    waitFor,
    request(report) {
      const seen = messages.length;
      send(report);
      return waitFor((m) => messages.indexOf(m) >= seen && (m.type === "ack" || m.type === "refused") && m.id === report.id);
    },
    close() {
      try {
        ws.close(1000, "done");
      } catch {
        // Closed already.
      }
    },
  };
}

/** Waits on a job feed for a job:log or job:preview message (they carry no seq, so the feed types leave them out). */
export function waitForExtra<T extends JobLogMessage | JobPreviewMessage>(
  feed: Feed,
  type: T["type"],
  match: (m: T) => boolean = () => true,
): Promise<T> {
  return feed.waitFor((m) => {
    const x = m as unknown as JobSocketMessage;
    return x.type === type && match(x as T);
  }) as unknown as Promise<T>;
}

export const hasExtra = (feed: Feed, type: JobSocketMessage["type"]) =>
  (feed.messages as unknown as JobSocketMessage[]).some((m) => m.type === type);
