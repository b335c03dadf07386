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
 *
 * This file reads the flags and runs the three in turn; the parts are in
 * scripts/bench/ (client, watchers, delivery, measures, report).
 */
import { readApiKey, runMain, Stop } from "./lib/api-client";
import { parseFlags } from "./lib/flags";
import { BenchClient } from "./bench/client";
import { deliveryProblems } from "./bench/delivery";
import { measureConcurrency, measureFanOut, measureLatency, type FanOutResult, type RunResult } from "./bench/measures";
import { printFanOut, printRoundTrips, printTable } from "./bench/report";

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
/** Time allowed after the limit to complete the jobs the run created. */
const CLEANUP_MS = 3_000;

/** Flag `name` as a whole number in [min, max]; anything else stops the run with the usage. */
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
  const values = parseFlags(FLAGS, USAGE);
  return {
    base: localBase(values.url),
    reports: wholeNumber("reports", values.reports, 1, MAX_REPORTS),
    watchers: wholeNumber("watchers", values.watchers, 1, 1000),
    jobs: wholeNumber("jobs", values.jobs, 1, 1000),
    perJob: wholeNumber("per-job", values["per-job"], 1, MAX_REPORTS),
    timeoutMs: wholeNumber("timeout-ms", values["timeout-ms"], 1000, 3_600_000),
  };
}

/** Checks the flags and the server, runs the three measurements in turn, then prints the summary. */
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

  printTable({ origin: options.base.origin, watchers, jobs, perJob }, { latency, fanOut, concurrency });
  const problems = fanOut ? deliveryProblems(fanOut.delivery, fanOut.cutShort) : [];
  if (problems.length > 0) throw new Stop(`\nfan-out check failed: ${problems.join(", ")}`, 1);
}

runMain(main);
