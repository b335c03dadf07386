/**
 * Figures for the worker channel, on one fresh `wrangler dev` of this
 * checkout (started and stopped here): acknowledged reports/s over the channel
 * against HTTP progress callbacks/s on the same server, each with 10 browser
 * sockets watching; report -> browser p50 for both; cancel -> the worker's
 * socket has `canceled`. Run: `npx tsx scripts/channel-figures.ts [--reports N]`.
 * (The coordinator may fold a channel scenario into `npm run bench`.)
 */
import { performance } from "node:perf_hooks";
import { startDevServer, type DevServer } from "../test/e2e/dev-server";
import { summarize, ms, perSecond } from "./lib/stats";
import { WorkerClient } from "@export-tracker/worker";
import { CreateJobResponse, JobSocketMessage } from "../workers/protocol";

const REPORTS = Number(process.argv[process.argv.indexOf("--reports") + 1]) || 1000;
const WATCHERS = 10;
const WINDOW = 32;
const NodeWebSocket = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket;

async function createJob(server: DevServer): Promise<CreateJobResponse> {
  const res = await fetch(`${server.url}/api/jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "bench.channel" }),
  });
  return CreateJobResponse.parse(await res.json());
}

/** Browser sockets on a job; each records when it saw each `done` value (and seqs, to check order). */
async function watchers(server: DevServer, created: CreateJobResponse) {
  const seen = Array.from({ length: WATCHERS }, () => ({ at: new Map<number, number>(), seqs: [] as number[] }));
  await Promise.all(
    seen.map(
      (w) =>
        new Promise<void>((resolve) => {
          const ws = new NodeWebSocket(created.links.ws, { headers: { authorization: `Bearer ${server.apiKey}` } });
          ws.addEventListener("open", () => resolve());
          ws.addEventListener("message", (e) => {
            const m = JobSocketMessage.safeParse(JSON.parse(String(e.data)));
            if (!m.success || !("seq" in m.data)) return;
            w.seqs.push(m.data.seq);
            if (m.data.type === "job:progress") w.at.set(m.data.job.progress.done ?? -1, performance.now());
          });
          closers.push(() => ws.close());
        }),
    ),
  );
  return seen;
}
const closers: (() => void)[] = [];

/** Latency of each browser message from the send of the report whose value it carries. */
function deliveries(seen: Awaited<ReturnType<typeof watchers>>, sentAt: Map<number, number>) {
  const latencies: number[] = [];
  let gaps = 0;
  for (const w of seen) {
    for (const [done, at] of w.at) if (sentAt.has(done)) latencies.push(at - sentAt.get(done)!);
    for (let i = 1; i < w.seqs.length; i++) if (w.seqs[i] !== w.seqs[i - 1]! + 1) gaps++;
  }
  return { latencies, gaps, perWatcher: seen.map((w) => w.at.size) };
}

async function httpFloor(server: DevServer) {
  const created = await createJob(server);
  const seen = await watchers(server, created);
  const sentAt = new Map<number, number>();
  const n = Math.min(REPORTS, 300);
  const started = performance.now();
  for (let i = 1; i <= n; i++) {
    sentAt.set(i, performance.now());
    const res = await fetch(`${created.callback.url}/progress`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.callback.token}`, "content-type": "application/json" },
      body: JSON.stringify({ done: i, total: n }),
    });
    await res.arrayBuffer();
  }
  const elapsed = performance.now() - started;
  await new Promise((r) => setTimeout(r, 500));
  return { n, elapsed, ...deliveries(seen, sentAt) };
}

async function channelRun(server: DevServer, window: number) {
  const created = await createJob(server);
  const seen = await watchers(server, created);
  const attempt = new WorkerClient({ baseUrl: server.url, workerKey: server.workerKey, worker: "bench" }).attempt({
    job: { id: created.job.id },
    callback: created.callback,
  });
  if (!(await attempt.connect())) throw new Error("the channel did not open");
  const sentAt = new Map<number, number>();
  const acks: number[] = [];
  const started = performance.now();
  for (let from = 1; from <= REPORTS; from += window) {
    const batch = [];
    for (let i = from; i < from + window && i <= REPORTS; i++) {
      sentAt.set(i, performance.now());
      batch.push(attempt.progress({ done: i, total: REPORTS }).then((a) => acks.push(a.seq ?? -1)));
    }
    await Promise.all(batch);
  }
  const elapsed = performance.now() - started;
  await new Promise((r) => setTimeout(r, 500));
  attempt.close();
  const reordered = acks.filter((s, i) => i > 0 && s < acks[i - 1]!).length;
  return { n: REPORTS, acked: acks.length, reordered, elapsed, ...deliveries(seen, sentAt) };
}

async function cancelRun(server: DevServer, jobs = 40) {
  const samples: number[] = [];
  for (let j = 0; j < jobs; j++) {
    const created = await createJob(server);
    const attempt = new WorkerClient({ baseUrl: server.url, workerKey: server.workerKey, worker: "bench" }).attempt({
      job: { id: created.job.id },
      callback: created.callback,
    });
    await attempt.connect();
    await attempt.heartbeat();
    const told = new Promise<number>((resolve) => attempt.signal.addEventListener("abort", () => resolve(performance.now())));
    const at = performance.now();
    const canceled = fetch(`${server.url}/api/jobs/${created.job.id}/cancel`, { method: "POST", headers: { authorization: `Bearer ${server.apiKey}` } });
    samples.push((await told) - at);
    await (await canceled).arrayBuffer();
    attempt.close();
  }
  return summarize(samples)!;
}

const server = await startDevServer();
try {
  const http = await httpFloor(server);
  const channel = await channelRun(server, WINDOW);
  const inTurn = await channelRun(server, 1);
  const cancel = await cancelRun(server);
  const httpP50 = summarize(http.latencies)!;
  const chP50 = summarize(channel.latencies)!;
  console.log(`HTTP callbacks, one job, ${WATCHERS} watchers: ${http.n} in ${ms(http.elapsed)} ms = ${perSecond(http.n, http.elapsed)}/s; report->browser p50 ${ms(httpP50.p50)} ms p99 ${ms(httpP50.p99)} ms; seq gaps ${http.gaps}`);
  console.log(`Channel, one job, ${WATCHERS} watchers, window ${WINDOW}: ${channel.acked}/${channel.n} acked in ${ms(channel.elapsed)} ms = ${perSecond(channel.acked, channel.elapsed)}/s; reordered acks ${channel.reordered}; browser progress messages per watcher ${Math.min(...channel.perWatcher)}-${Math.max(...channel.perWatcher)}; report->browser p50 ${ms(chP50.p50)} ms p99 ${ms(chP50.p99)} ms; seq gaps ${channel.gaps}`);
  const inTurnP50 = summarize(inTurn.latencies)!;
  console.log(`Channel, one job, ${WATCHERS} watchers, in turn (each report waits for its ack): ${perSecond(inTurn.acked, inTurn.elapsed)}/s; report->browser p50 ${ms(inTurnP50.p50)} ms p99 ${ms(inTurnP50.p99)} ms; seq gaps ${inTurn.gaps}`);
  console.log(`Cancel -> worker told (${cancel.count} jobs): p50 ${ms(cancel.p50)} ms p95 ${ms(cancel.p95)} ms p99 ${ms(cancel.p99)} ms max ${ms(cancel.max)} ms`);
} finally {
  for (const close of closers) close();
  await server.stop();
}
