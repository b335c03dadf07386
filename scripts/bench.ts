/**
 * `npm run bench`: measures a running dev server and prints figures; it
 * asserts nothing about timing. Three runs:
 *   1. callback latency: one job, N progress reports sent one after another;
 *   2. fan-out: W WebSocket watchers on a second job, then N reports; the time
 *      from sending each report to each watcher receiving its `job:progress`,
 *      and a check that every watcher saw every event in seq order, no gaps;
 *   3. concurrency: C jobs, each sent R reports in turn, all jobs at once.
 * Then one Markdown table to paste into the README.
 *
 * It only contacts the --url host, which must be localhost or 127.0.0.1, and
 * refuses any link the server hands out that points elsewhere. Everything runs
 * under --timeout-ms: at the limit it stops and prints what it has. The jobs
 * it creates are completed after each run (so they never stall and retry
 * later); after the limit that gets at most CLEANUP_MS more.
 *
 * Exit codes: 0 when it ran (also when cut short by the time limit), 1 when a
 * watcher missed an event or saw one out of order, or on any HTTP or network
 * error, 2 on bad flags.
 */
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  CallbackAnswer,
  CreateJobResponse,
  ServerMessage,
  type CallbackCredentials,
  type CreateJobBody,
  type ProgressReport,
} from "../workers/protocol";
import { expectOk, readApiKey, runMain, send, Stop, type Reply } from "./lib/api-client";
import { ms, perSecond, summarize, type Summary } from "./lib/stats";

const USAGE = `usage: npm run bench -- [--url URL] [--reports N] [--watchers W] [--jobs C] [--per-job R] [--timeout-ms MS]
  --url         dev server, on localhost or 127.0.0.1 only (default http://localhost:8787)
  --reports     progress reports sent in turn, in runs 1 and 2 (default 300, at most 10000)
  --watchers    WebSocket watchers of the job in run 2 (default 20)
  --jobs        jobs reporting at once in run 3 (default 20)
  --per-job     reports per job in run 3 (default 50, at most 10000)
  --timeout-ms  total time limit; at it the run stops and prints what it has (default 120000)
The API key comes from $API_KEY, else from .dev.vars. Prints figures, asserts nothing about
timing. Exit 1 when a watcher missed an event or saw one out of order, or on an HTTP or
network error; 2 on bad flags.`;

const FLAGS = {
  url: { type: "string", default: "http://localhost:8787" },
  reports: { type: "string", default: "300" },
  watchers: { type: "string", default: "20" },
  jobs: { type: "string", default: "20" },
  "per-job": { type: "string", default: "50" },
  "timeout-ms": { type: "string", default: "120000" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The server keeps percent to 0.01, so a job can take at most 10,000 distinct rising reports. */
const MAX_REPORTS = 10_000;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);
/** How long watchers may take to connect, and to receive the last event once it was sent. */
const CONNECT_WAIT_MS = 10_000;
const DRAIN_WAIT_MS = 10_000;
/** Time allowed after the limit to complete the jobs the run created. */
const CLEANUP_MS = 3_000;
const SOCKET_CLOSE_WAIT_MS = 1_000;

/** The answer to GET /health. */
const Health = z.object({ ok: z.literal(true) });

/** The time limit cut a run short. */
class TimeUp extends Error {}

type Options = ReturnType<typeof readOptions>;

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Stop(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`, 2);
  }
  return n;
}

/** The --url origin; anything but http(s) on localhost or 127.0.0.1 is refused. */
function localBase(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Stop(`--url is not a URL: ${raw}\n${USAGE}`, 2);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !LOCAL_HOSTS.has(url.hostname)) {
    throw new Stop(`--url must be http(s) on localhost or 127.0.0.1, got ${raw}: the benchmark only loads a local server`, 2);
  }
  if (url.pathname !== "/" || url.search || url.username) throw new Stop(`--url is an origin, without path or query: ${raw}`, 2);
  return url;
}

/** The command-line flags, checked; a bad one stops the run with the usage. */
function readOptions() {
  const values = (() => {
    try {
      return parseArgs({ options: FLAGS }).values;
    } catch (err) {
      throw new Stop(`${(err as Error).message}\n${USAGE}`, 2);
    }
  })();
  if (values.help) throw new Stop(USAGE, 0);
  return {
    base: localBase(values.url),
    reports: wholeNumber("reports", values.reports, 1, MAX_REPORTS),
    watchers: wholeNumber("watchers", values.watchers, 1, 1000),
    jobs: wholeNumber("jobs", values.jobs, 1, 1000),
    perJob: wholeNumber("per-job", values["per-job"], 1, MAX_REPORTS),
    timeoutMs: wholeNumber("timeout-ms", values["timeout-ms"], 1000, 3_600_000),
  };
}

/** The percent of report `i` (1..n): rising, distinct at the server's 0.01 resolution, ending at 100. */
const percentFor = (i: number, n: number) => Math.round((i * 10_000) / n) / 100;
/** A percent as whole hundredths, to match reports with the events they raised. */
const keyOf = (percent: number) => Math.round(percent * 100);

/** Runs `body`; a TimeUp ends it early and is answered `true` (cut short). */
async function untilTimeUp(body: () => Promise<void>): Promise<boolean> {
  try {
    await body();
    return false;
  } catch (err) {
    if (err instanceof TimeUp) return true;
    throw err;
  }
}

/** `promise`, bounded by `ms` (a Stop naming `what`) and by the time limit (a TimeUp). */
function bounded<T>(promise: Promise<T>, ms: number, limit: AbortSignal, what: string): Promise<T> {
  const signal = AbortSignal.any([limit, AbortSignal.timeout(ms)]);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(limit.aborted ? new TimeUp() : new Stop(`${what}: nothing within ${ms} ms`, 1));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The one server the run may contact; every request is bounded by the time limit. */
class BenchClient {
  /** Jobs created and not yet completed. */
  private readonly open = new Set<CallbackCredentials>();

  constructor(
    readonly base: URL,
    private readonly apiKey: string,
    readonly limit: AbortSignal,
  ) {}

  /** `link`, when it is on the --url host; anything else stops the run. */
  checkLocal(what: string, link: string): string {
    const url = new URL(link);
    const wsProtocol = this.base.protocol === "https:" ? "wss:" : "ws:";
    if (url.host !== this.base.host || (url.protocol !== this.base.protocol && url.protocol !== wsProtocol)) {
      throw new Stop(`${what} is on ${url.origin}, not ${this.base.origin}: refusing to contact it`, 1);
    }
    return link;
  }

  private async request(what: string, url: string, init: RequestInit, signal = this.limit): Promise<Reply> {
    this.checkLocal(what, url);
    try {
      return await send(what, url, { ...init, redirect: "error", signal });
    } catch (err) {
      if (this.limit.aborted) throw new TimeUp();
      throw err;
    }
  }

  /** GET /health: fails early and clearly when nothing listens at --url. */
  async health(): Promise<void> {
    expectOk("health check", await this.request("health check", `${this.base.origin}/health`, {}), Health);
  }

  async createJob(kind: string): Promise<CreateJobResponse> {
    const body: CreateJobBody = { kind, input: { source: "npm run bench" } };
    const headers = { authorization: `Bearer ${this.apiKey}`, "content-type": "application/json" };
    const init = { method: "POST", headers, body: JSON.stringify(body) };
    const created = expectOk("create job", await this.request("create job", `${this.base.origin}/api/jobs`, init), CreateJobResponse);
    this.checkLocal("the callback url", created.callback.url);
    this.checkLocal("the ws link", created.links.ws);
    this.open.add(created.callback);
    return created;
  }

  /** One progress report: when it was sent (performance.now()) and its round trip in ms. */
  async progress(callback: CallbackCredentials, percent: number, signal?: AbortSignal): Promise<{ sentAt: number; ms: number }> {
    const report: ProgressReport = { percent };
    const headers = { authorization: `Bearer ${callback.token}`, "content-type": "application/json" };
    const init = { method: "POST", headers, body: JSON.stringify(report) };
    const sentAt = performance.now();
    const reply = await this.request("progress callback", `${callback.url}/progress`, init, signal);
    const roundTrip = performance.now() - sentAt;
    expectOk("progress callback", reply, CallbackAnswer);
    return { sentAt, ms: roundTrip };
  }

  /** Completes every open job, in parallel; answers how many could not be. */
  async completeOpenJobs(signal = this.limit): Promise<number> {
    const jobs = [...this.open];
    const outcomes = await Promise.allSettled(
      jobs.map(async (callback) => {
        const headers = { authorization: `Bearer ${callback.token}`, "content-type": "application/json" };
        const init = { method: "POST", headers, body: JSON.stringify({ message: "npm run bench finished" }) };
        expectOk("complete", await this.request("complete callback", `${callback.url}/complete`, init, signal), CallbackAnswer);
        this.open.delete(callback);
      }),
    );
    return outcomes.filter((o) => o.status === "rejected").length;
  }
}

interface Frame {
  at: number;
  data: string;
}

/** One WebSocket on a job's feed, keeping every frame with the time it arrived. */
class Watcher {
  readonly frames: Frame[] = [];
  /** The close code and reason, once the socket closed. */
  closed: string | null = null;
  /** Resolves with the first frame (the snapshot): the object has accepted the socket. */
  readonly ready: Promise<void>;
  private readonly ws: WebSocket;
  private parsed: { at: number; message: ServerMessage | null }[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ready = new Promise<void>((resolve, reject) => {
      this.ws.addEventListener("message", (event) => {
        const at = performance.now(); // first, so nothing below delays the stamp
        this.frames.push({ at, data: typeof event.data === "string" ? event.data : "" });
        resolve();
      });
      this.ws.addEventListener("close", (event) => {
        this.closed = `${event.code} ${event.reason}`.trim();
        reject(new Stop(`watcher on ${url} closed before its snapshot (${this.closed})`, 1));
      });
      this.ws.addEventListener("error", () => reject(new Stop(`watcher on ${url}: connection failed`, 1)));
    });
    this.ready.catch(() => {}); // reported by whoever awaits it
  }

  /** The frames so far, each checked against the protocol (null when it does not fit). */
  messages(): readonly { at: number; message: ServerMessage | null }[] {
    for (const frame of this.frames.slice(this.parsed.length)) {
      let json: unknown = null;
      try {
        json = JSON.parse(frame.data);
      } catch {
        // Counted below as an invalid frame.
      }
      const result = ServerMessage.safeParse(json);
      this.parsed.push({ at: frame.at, message: result.success ? result.data : null });
    }
    return this.parsed;
  }

  /** Whether a `job:progress` at `key` (hundredths of a percent) has arrived. */
  sawProgress(key: number): boolean {
    return this.messages().some(({ message }) => message?.type === "job:progress" && keyOf(message.job.progress.percent) === key);
  }

  /** Closes the socket and waits, briefly, for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.addEventListener("close", () => resolve(), { once: true }));
    try {
      this.ws.close(1000, "bench done");
    } catch {
      // Already closing.
    }
    await Promise.race([closed, sleep(SOCKET_CLOSE_WAIT_MS, undefined, { ref: false })]);
  }
}

/** What one watcher saw, against the reports that were sent. */
interface Delivery {
  delays: number[];
  missing: number;
  outOfOrder: number;
  seqGaps: number;
  invalid: number;
  closedEarly: number;
}

/** Matches a watcher's frames to the reports (percent key -> send time) and checks their seq order. */
function checkDelivery(watcher: Watcher, sentAt: ReadonlyMap<number, number>): Delivery {
  const delivery: Delivery = { delays: [], missing: 0, outOfOrder: 0, seqGaps: 0, invalid: 0, closedEarly: watcher.closed ? 1 : 0 };
  const seen = new Set<number>();
  let lastSeq: number | null = null;
  for (const { at, message } of watcher.messages()) {
    if (!message) {
      delivery.invalid++;
      continue;
    }
    if (lastSeq !== null && message.seq <= lastSeq) {
      delivery.outOfOrder++;
    } else {
      if (lastSeq !== null) delivery.seqGaps += message.seq - lastSeq - 1;
      lastSeq = message.seq;
    }
    if (message.type !== "job:progress") continue;
    const key = keyOf(message.job.progress.percent);
    const sent = sentAt.get(key);
    if (sent === undefined || seen.has(key)) continue;
    seen.add(key);
    delivery.delays.push(at - sent);
  }
  delivery.missing = [...sentAt.keys()].filter((key) => !seen.has(key)).length;
  return delivery;
}

function addDelivery(total: Delivery, one: Delivery): Delivery {
  return {
    delays: total.delays.concat(one.delays),
    missing: total.missing + one.missing,
    outOfOrder: total.outOfOrder + one.outOfOrder,
    seqGaps: total.seqGaps + one.seqGaps,
    invalid: total.invalid + one.invalid,
    closedEarly: total.closedEarly + one.closedEarly,
  };
}

interface RunResult {
  /** Round trips in ms. */
  roundTrips: number[];
  elapsedMs: number;
  cutShort: boolean;
}

interface FanOutResult extends RunResult {
  watchers: number;
  events: number;
  delivery: Delivery;
}

/** Run 1: one job, `n` progress reports one after another. */
async function measureLatency(client: BenchClient, n: number): Promise<RunResult> {
  const result: RunResult = { roundTrips: [], elapsedMs: 0, cutShort: false };
  result.cutShort = await untilTimeUp(async () => {
    const { callback } = await client.createJob("bench.latency");
    const start = performance.now();
    try {
      for (let i = 1; i <= n; i++) result.roundTrips.push((await client.progress(callback, percentFor(i, n))).ms);
    } finally {
      result.elapsedMs = performance.now() - start;
    }
  });
  return result;
}

/** Waits until every watcher has the event of `lastKey` (or closed), for at most DRAIN_WAIT_MS. */
async function drain(watchers: Watcher[], lastKey: number, limit: AbortSignal): Promise<void> {
  const until = performance.now() + DRAIN_WAIT_MS;
  while (performance.now() < until && !watchers.every((w) => w.closed !== null || w.sawProgress(lastKey))) {
    if (limit.aborted) throw new TimeUp();
    await sleep(5);
  }
}

/** Run 2: `watchers` sockets on one job, then `n` reports one after another. */
async function measureFanOut(client: BenchClient, n: number, watcherCount: number): Promise<FanOutResult> {
  const result: RunResult = { roundTrips: [], elapsedMs: 0, cutShort: false };
  /** Percent key -> when its report was sent. */
  const sentAt = new Map<number, number>();
  const watchers: Watcher[] = [];
  try {
    result.cutShort = await untilTimeUp(async () => {
      const { callback, links } = await client.createJob("bench.fanout");
      for (let i = 0; i < watcherCount; i++) watchers.push(new Watcher(links.ws));
      await bounded(Promise.all(watchers.map((w) => w.ready)), CONNECT_WAIT_MS, client.limit, `connecting ${watcherCount} watchers`);
      const start = performance.now();
      try {
        for (let i = 1; i <= n; i++) {
          const percent = percentFor(i, n);
          const sent = await client.progress(callback, percent);
          sentAt.set(keyOf(percent), sent.sentAt);
          result.roundTrips.push(sent.ms);
        }
      } finally {
        result.elapsedMs = performance.now() - start;
      }
      await drain(watchers, keyOf(100), client.limit);
    });
    const delivery = watchers
      .map((w) => checkDelivery(w, sentAt))
      .reduce(addDelivery, { delays: [], missing: 0, outOfOrder: 0, seqGaps: 0, invalid: 0, closedEarly: 0 });
    return { ...result, watchers: watchers.length, events: sentAt.size, delivery };
  } finally {
    await Promise.all(watchers.map((w) => w.close()));
  }
}

/** Run 3: `jobs` jobs at once, each sent `perJob` reports one after another. */
async function measureConcurrency(client: BenchClient, jobs: number, perJob: number): Promise<RunResult> {
  const result: RunResult = { roundTrips: [], elapsedMs: 0, cutShort: false };
  result.cutShort = await untilTimeUp(async () => {
    const created = await Promise.all(Array.from({ length: jobs }, () => client.createJob("bench.concurrency")));
    // The first failure stops the other jobs' loops, so none keeps sending after the run.
    const stop = new AbortController();
    const signal = AbortSignal.any([client.limit, stop.signal]);
    let failure: unknown = null;
    const start = performance.now();
    await Promise.all(
      created.map(async ({ callback }) => {
        try {
          for (let i = 1; i <= perJob && !signal.aborted; i++) {
            result.roundTrips.push((await client.progress(callback, percentFor(i, perJob), signal)).ms);
          }
        } catch (err) {
          failure ??= err;
          stop.abort();
        }
      }),
    );
    result.elapsedMs = performance.now() - start;
    if (failure) throw failure;
  });
  return result;
}

const fmt = (s: Summary | null) => (s ? `p50 ${ms(s.p50)} ms  p95 ${ms(s.p95)} ms  p99 ${ms(s.p99)} ms  max ${ms(s.max)} ms` : "no samples");
const cutNote = (r: { cutShort: boolean }) => (r.cutShort ? "  (cut short by the time limit)" : "");

function printRoundTrips(label: string, r: RunResult): void {
  console.log(`   ${label}: ${r.roundTrips.length} reports in ${ms(r.elapsedMs)} ms, ${perSecond(r.roundTrips.length, r.elapsedMs)} reports/s${cutNote(r)}`);
  console.log(`   ${" ".repeat(label.length)}  ${fmt(summarize(r.roundTrips))}`);
}

/** The delivery problems that fail the run; missing events only count when the run was not cut short. */
function deliveryProblems(r: FanOutResult): string[] {
  const d = r.delivery;
  const problems = [
    d.missing > 0 && !r.cutShort ? `${d.missing} missing` : "",
    d.outOfOrder > 0 ? `${d.outOfOrder} out of order` : "",
    d.seqGaps > 0 ? `${d.seqGaps} seq gaps` : "",
    d.invalid > 0 ? `${d.invalid} frames not in the protocol` : "",
    d.closedEarly > 0 ? `${d.closedEarly} watchers closed early` : "",
  ];
  return problems.filter(Boolean);
}

function printFanOut(r: FanOutResult): void {
  printRoundTrips("callback round trip", r);
  const d = r.delivery;
  console.log(`   delay, callback sent -> watcher got job:progress: ${d.delays.length} (event, watcher) pairs${cutNote(r)}`);
  console.log(`      ${fmt(summarize(d.delays))}`);
  const judged = r.cutShort ? " (missing not judged: cut short)" : "";
  console.log(
    `   delivery: ${r.watchers} watchers x ${r.events} events: ${d.missing} missing${judged}, ${d.outOfOrder} out of order, ` +
      `${d.seqGaps} seq gaps, ${d.invalid} invalid frames, ${d.closedEarly} closed early`,
  );
}

type Row = [measure: string, result: RunResult | null, samples: number[], throughput: boolean];

/** The Markdown summary: environment, one table, and the delivery check. */
function printTable(options: Options, rows: Row[], fanOut: FanOutResult | null): void {
  const cpu = cpus();
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  console.log(`\n--- Markdown ---\n`);
  console.log(
    `Measured with \`npm run bench\` on ${cpu[0]?.model.trim() ?? "unknown CPU"} (${cpu.length} CPUs), ` +
      `Node ${process.version}, ${date} UTC, against the local dev server at ${options.base.origin}.\n`,
  );
  console.log("| Measure | Samples | p50 ms | p95 ms | p99 ms | max ms | Reports/s |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [measure, result, samples, throughput] of rows) {
    if (!result) {
      console.log(`| ${measure} (skipped: time limit) | 0 | – | – | – | – | – |`);
      continue;
    }
    const s = summarize(samples);
    const cells = s ? [ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)] : ["–", "–", "–", "–"];
    const rate = throughput ? perSecond(result.roundTrips.length, result.elapsedMs) : "–";
    console.log(`| ${measure}${result.cutShort ? " (cut short)" : ""} | ${samples.length} | ${cells.join(" | ")} | ${rate} |`);
  }
  if (fanOut) {
    const problems = deliveryProblems(fanOut);
    console.log(
      problems.length === 0
        ? `\nEvery watcher got every \`job:progress\` in seq order, with no gaps.`
        : `\nDelivery problems: ${problems.join(", ")}.`,
    );
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  if (typeof WebSocket !== "function") throw new Stop(`Node ${process.version} has no global WebSocket: run it with \`npm run bench\` (Node 22+)`, 1);
  const client = new BenchClient(options.base, readApiKey(), AbortSignal.timeout(options.timeoutMs));
  const { reports, watchers, jobs, perJob } = options;
  console.log(`bench against ${options.base.origin}, time limit ${options.timeoutMs} ms`);
  await client.health();

  let latency: RunResult | null = null;
  let fanOut: FanOutResult | null = null;
  let concurrency: RunResult | null = null;
  try {
    console.log(`\n1. callback latency: ${reports} progress reports in turn, one job`);
    latency = await measureLatency(client, reports);
    printRoundTrips("round trip", latency);
    await client.completeOpenJobs();

    if (!client.limit.aborted) {
      console.log(`\n2. fan-out: ${watchers} watchers on one job, ${reports} progress reports in turn`);
      fanOut = await measureFanOut(client, reports, watchers);
      printFanOut(fanOut);
      await client.completeOpenJobs();
    }

    if (!client.limit.aborted) {
      console.log(`\n3. concurrency: ${jobs} jobs at once, ${perJob} progress reports each in turn`);
      concurrency = await measureConcurrency(client, jobs, perJob);
      printRoundTrips("round trip", concurrency);
    }
  } finally {
    const left = await client.completeOpenJobs(AbortSignal.timeout(CLEANUP_MS));
    if (left > 0) console.error(`\nwarning: could not complete ${left} of the jobs this run created`);
  }
  if (client.limit.aborted) console.log(`\nStopped at the time limit (${options.timeoutMs} ms); the figures cover what ran.`);

  printTable(
    options,
    [
      ["Progress callback round trip, one job, in turn", latency, latency?.roundTrips ?? [], true],
      [`Progress callback round trip, one job with ${watchers} watchers`, fanOut, fanOut?.roundTrips ?? [], true],
      [`Fan-out: callback sent → each of ${watchers} watchers got \`job:progress\``, fanOut, fanOut?.delivery.delays ?? [], false],
      [`Progress callback round trip, ${jobs} jobs × ${perJob} reports at once`, concurrency, concurrency?.roundTrips ?? [], true],
    ],
    fanOut,
  );
  const problems = fanOut ? deliveryProblems(fanOut) : [];
  if (problems.length > 0) throw new Stop(`\nfan-out check failed: ${problems.join(", ")}`, 1);
}

runMain(main);
