/**
 * What every scenario shares: the two targets, the subscriber pool, the
 * sizes (full or --quick), unique report keys, and `interleave`, which runs a
 * scenario's rounds on both targets in turn (floor, tracker, then tracker,
 * floor, ...) while sampling which process used the CPU.
 */
import { sampleCpu, saturatedShares, type CpuShare } from "../cpu";
import type { TrackerServer } from "../servers";
import type { Subscribers } from "../subscribers";
import type { BenchJob, Target, TargetName } from "../targets";

export interface Sizes {
  /** Latency: rounds x reports per round, per target. */
  latencyRounds: number;
  latencyPerRound: number;
  /** Fan-out: updates per socket count, per target, in rounds of fanOutPerRound. */
  fanOutUpdates: number;
  fanOutPerRound: number;
  fanOutSockets: number[];
  /** Throughput and many jobs: rounds x seconds, per target. */
  loadRounds: number;
  loadRoundSeconds: number;
  manyJobs: number;
  callers: number;
  /** D1 at 50 callbacks/s: seconds. */
  d1Seconds: number;
  /** The typical job: seconds at 10 reports/s. */
  costSeconds: number;
  idleSockets: number;
  /** Least idle time before the idle update (past the ~10 s hibernation). */
  idleWaitMs: number;
  /** Worker channel: rounds x seconds of sustained reports, paced reports per round, jobs canceled (of each kind). */
  channelRounds: number;
  channelRoundSeconds: number;
  channelPacedPerRound: number;
  cancelJobs: number;
}

export const FULL: Sizes = {
  latencyRounds: 5,
  latencyPerRound: 100,
  fanOutUpdates: 60,
  fanOutPerRound: 20,
  fanOutSockets: [100, 1000],
  loadRounds: 2,
  loadRoundSeconds: 5,
  manyJobs: 200,
  callers: 16,
  d1Seconds: 10,
  costSeconds: 60,
  idleSockets: 1000,
  idleWaitMs: 15_000,
  channelRounds: 2,
  channelRoundSeconds: 3,
  channelPacedPerRound: 40,
  cancelJobs: 30,
};

export const QUICK: Sizes = {
  latencyRounds: 2,
  latencyPerRound: 25,
  fanOutUpdates: 20,
  fanOutPerRound: 10,
  fanOutSockets: [100, 1000],
  loadRounds: 1,
  loadRoundSeconds: 3,
  manyJobs: 200,
  callers: 16,
  d1Seconds: 4,
  costSeconds: 10,
  idleSockets: 1000,
  idleWaitMs: 15_000,
  channelRounds: 1,
  channelRoundSeconds: 3,
  channelPacedPerRound: 30,
  cancelJobs: 10,
};

export interface Context {
  floor: Target;
  /** The floor runs without the [assets] routing the tracker has (--bare-floor). */
  bareFloor: boolean;
  /** The floor in the other shape (without [assets], or with it under --bare-floor), started only for the router scenario. */
  otherFloor: Target<"other-floor"> | null;
  tracker: Target;
  trackerServer: TrackerServer;
  /** The tracker with the default browser progress cap, started only for the channel scenario. */
  channelServer: TrackerServer | null;
  subscribers: Subscribers;
  sizes: Sizes;
}

let lastKey = 0;
/** A report key no other report of the run has. */
export const nextKey = () => `r${++lastKey}`;

/** The CPU shares of one target's run of a scenario round, and what saturated a core. */
export interface CpuRecord {
  target: TargetName;
  round: number;
  shares: CpuShare[];
  saturated: string[];
}

/** The CPU record of a tracker-only run. */
export const cpuRecord = (shares: CpuShare[]): CpuRecord => ({
  target: "tracker",
  round: 0,
  shares,
  saturated: saturatedShares(shares).map((s) => `${s.name} ${s.percent}%`),
});

/**
 * Runs `body` for `rounds` rounds on both targets (the floor and the tracker unless given),
 * alternating which goes first; answers the CPU record of each run.
 */
export async function interleave<N extends TargetName = "floor" | "tracker">(
  ctx: Context,
  rounds: number,
  body: (target: Target<N>, round: number) => Promise<void>,
  [first, second] = [ctx.floor, ctx.tracker] as [Target<N>, Target<N>],
): Promise<CpuRecord[]> {
  const records: CpuRecord[] = [];
  const servers = [first.server, second.server].map((s) => ({ name: s.name, pid: s.pid }));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [first, second] : [second, first];
    for (const target of order) {
      const cpu = sampleCpu(servers);
      await body(target, round);
      const shares = cpu.stop();
      records.push({ target: target.name, round, shares, saturated: saturatedShares(shares).map((s) => `${s.name} ${s.percent}%`) });
    }
  }
  return records;
}

/** A new job on `target`. Jobs are left as they are at the end: the server's temp state goes with it. */
export async function newJob(_ctx: Context, target: Target<TargetName>): Promise<BenchJob> {
  return target.newJob();
}

/** Opens one socket per url on the subscriber threads, counting each upgrade as a request the target got. */
export async function openSockets(ctx: Context, target: Target<TargetName>, group: string, urls: string[]): Promise<void> {
  target.requestsSent += urls.length;
  await ctx.subscribers.open(group, urls);
}

/** Runs `count` tasks with at most `width` at once. */
export async function pool<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}
