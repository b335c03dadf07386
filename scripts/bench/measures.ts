/**
 * The three measurements, each against its own jobs: callback latency (one
 * job, reports in turn), fan-out (watchers on one job, with the delivery
 * check), and concurrency (many jobs reporting at once). A run cut short by
 * the time limit answers what it measured so far.
 */
import { performance } from "node:perf_hooks";
import type { BenchClient } from "./client";
import { checkDeliveries, type Delivery } from "./delivery";
import { keyOf, percentFor } from "./percent";
import { bounded, untilTimeUp } from "./time-limit";
import { drain, Watcher } from "./watchers";

/** How long watchers may take to connect. */
const CONNECT_WAIT_MS = 10_000;

export interface RunResult {
  /** Round trips in ms. */
  roundTrips: number[];
  elapsedMs: number;
  cutShort: boolean;
}

export interface FanOutResult extends RunResult {
  watchers: number;
  events: number;
  delivery: Delivery;
}

const newRun = (): RunResult => ({ roundTrips: [], elapsedMs: 0, cutShort: false });

/** Runs `body`, recording in `result` how long it took, also when it throws. */
async function timed(result: RunResult, body: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  try {
    await body();
  } finally {
    result.elapsedMs = performance.now() - start;
  }
}

/** Run 1: one job, `n` progress reports one after another. */
export async function measureLatency(client: BenchClient, n: number): Promise<RunResult> {
  const result = newRun();
  result.cutShort = await untilTimeUp(async () => {
    const { callback } = await client.createJob("bench.latency");
    await timed(result, async () => {
      for (let i = 1; i <= n; i++) result.roundTrips.push((await client.progress(callback, percentFor(i, n))).ms);
    });
  });
  return result;
}

/** Run 2: `watchers` sockets on one job, then `n` reports one after another. */
export async function measureFanOut(client: BenchClient, n: number, watcherCount: number): Promise<FanOutResult> {
  const result = newRun();
  /** Percent key -> when its report was sent. */
  const sentAt = new Map<number, number>();
  const watchers: Watcher[] = [];
  try {
    result.cutShort = await untilTimeUp(async () => {
      const { callback, links } = await client.createJob("bench.fanout");
      for (let i = 0; i < watcherCount; i++) watchers.push(new Watcher(links.ws));
      await bounded(Promise.all(watchers.map((w) => w.ready)), CONNECT_WAIT_MS, client.limit, `connecting ${watcherCount} watchers`);
      await timed(result, async () => {
        for (let i = 1; i <= n; i++) {
          const percent = percentFor(i, n);
          const sent = await client.progress(callback, percent);
          sentAt.set(keyOf(percent), sent.sentAt);
          result.roundTrips.push(sent.ms);
        }
      });
      await drain(watchers, keyOf(100), client.limit);
    });
    return { ...result, watchers: watchers.length, events: sentAt.size, delivery: checkDeliveries(watchers, sentAt) };
  } finally {
    await Promise.all(watchers.map((w) => w.close()));
  }
}

/** Run 3: `jobs` jobs at once, each sent `perJob` reports one after another. */
export async function measureConcurrency(client: BenchClient, jobs: number, perJob: number): Promise<RunResult> {
  const result = newRun();
  result.cutShort = await untilTimeUp(async () => {
    const created = await Promise.all(Array.from({ length: jobs }, () => client.createJob("bench.concurrency")));
    // The first failure stops the other jobs' loops, so none keeps sending after the run.
    const stop = new AbortController();
    const signal = AbortSignal.any([client.limit, stop.signal]);
    let failure: unknown = null;
    await timed(result, () =>
      Promise.all(
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
      ),
    );
    if (failure) throw failure;
  });
  return result;
}
