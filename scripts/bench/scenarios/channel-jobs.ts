/**
 * The worker channel as the channel scenario drives it: a job on the channel
 * tracker with the worker SDK's ReportChannel open on it (one acknowledged
 * WebSocket per attempt, as a GPU worker holds it), reports sent with a
 * window of them in flight, and one cancel timed from the POST to the
 * worker's `canceled`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ReportChannel } from "@export-tracker/worker";
import { CreateJobResponse, ViewerTokenResponse, type CreateJobBody } from "../../../workers/protocol";
import type { TrackerServer } from "../servers";
import { clock } from "../targets";
import { nextKey } from "./context";

export interface ChannelJob {
  id: string;
  /** A browser socket on the job (an owner-wide viewer token, as the HTTP scenarios use). */
  wsUrl: string;
  channel: ReportChannel;
}

/** Jobs live long enough without reports that no stall alarm fires during the bench. */
const JOB: CreateJobBody = { kind: "bench.channel", input: { source: "npm run bench" }, heartbeat_timeout_seconds: 3600 };
const CANCEL_WAIT_MS = 10_000;

async function post(server: TrackerServer, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

export async function viewerToken(server: TrackerServer): Promise<string> {
  return ViewerTokenResponse.parse(await post(server, "/api/viewer-tokens", {})).token;
}

/** A new job with its worker channel open. */
export async function channelJob(server: TrackerServer, token: string): Promise<ChannelJob> {
  const created = CreateJobResponse.parse(await post(server, "/api/jobs", JOB));
  const channel = new ReportChannel({ url: created.callback.url, token: created.callback.token });
  if (!(await channel.open())) throw new Error(`channel: the upgrade of ${created.job.id}'s channel failed`);
  return { id: created.job.id, wsUrl: `${created.links.ws}?token=${encodeURIComponent(token)}`, channel };
}

/** What a sustained run on the channel answered, summed over rounds. */
export interface ChannelLoad {
  /** Acked report keys in the order their acks came, with the ack's seq and the report's place in the send order. */
  acked: { key: string; seq: number; sent: number }[];
  sentAt: Map<string, number>;
  sent: number;
  errors: number;
  firstError: string | null;
  seconds: number;
}

export const emptyLoad = (): ChannelLoad => ({ acked: [], sentAt: new Map(), sent: 0, errors: 0, firstError: null, seconds: 0 });

/** Keeps `window` progress reports in flight on `job`'s channel for `seconds` (each sent as soon as one is acked). */
export async function sustainChannel(job: ChannelJob, window: number, seconds: number, load: ChannelLoad): Promise<void> {
  const start = clock();
  const until = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (clock() < until) {
        const key = nextKey();
        const sent = load.sent++;
        load.sentAt.set(key, clock());
        try {
          const ack = await job.channel.send({ type: "progress", percent: 50, message: key });
          load.acked.push({ key, seq: ack.seq, sent });
        } catch (err) {
          load.errors++;
          load.firstError ??= (err as Error).message;
        }
      }
    }),
  );
  load.seconds += (clock() - start) / 1000;
}

/** Acks that came out of send order, or with a seq below the one before (each must be neither). */
export function disorderedAcks(acked: ChannelLoad["acked"]): number {
  return acked.filter((a, i) => i > 0 && (a.sent < acked[i - 1]!.sent || a.seq < acked[i - 1]!.seq)).length;
}

/**
 * One cancel: a job with browsers watching (`watch` opens their sockets), its channel open and
 * one heartbeat acked (it started), then, `runningMs` later, `POST /cancel`; answers the ms from
 * sending the POST until the worker's channel had `canceled`, and until the POST was answered.
 */
export async function timeCancel(
  server: TrackerServer,
  token: string,
  watch: (wsUrl: string) => Promise<void>,
  runningMs: number,
): Promise<{ told: number; answered: number }> {
  const job = await channelJob(server, token);
  try {
    await watch(job.wsUrl);
    await job.channel.send({ type: "heartbeat" });
    if (runningMs > 0) await sleep(runningMs);
    const told = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`channel: no canceled for ${job.id} within ${CANCEL_WAIT_MS} ms`)), CANCEL_WAIT_MS);
      job.channel.signal.addEventListener("abort", () => (clearTimeout(timer), resolve(clock())), { once: true });
    });
    void told.catch(() => {}); // awaited below; a failed POST must not leave it unhandled
    const at = clock();
    const answered = fetch(`${server.url}/api/jobs/${job.id}/cancel`, { method: "POST", headers: { authorization: `Bearer ${server.apiKey}` } })
      .then(async (res) => {
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`channel: cancel of ${job.id} answered ${res.status}`);
        return clock();
      });
    const [toldAt, answeredAt] = await Promise.all([told, answered]);
    return { told: toldAt - at, answered: answeredAt - at };
  } finally {
    job.channel.close();
  }
}
