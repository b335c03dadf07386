/**
 * Fan-out: one job with N sockets; reports one after another, each waited
 * for until the last socket has it. The figure is report sent -> last socket
 * has it. The 1,000-socket group stays open for the idle scenario.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { spanNote, trackerCounts } from "../counts";
import { clock, type BenchJob, type Target } from "../targets";
import { distribution, type Figure } from "./figures";
import { interleave, newJob, nextKey, openSockets, type Context, type CpuRecord } from "./context";
import type { ScenarioOutcome } from "../run";

const WAIT_MS = 15_000;
/** After a job's first report (its start): time for the start's after-commit effects (D1, owner feed) to finish. */
const START_SETTLE_MS = 1_000;
/** The job and socket group each target keeps for the idle scenario. */
export const idleGroups = new Map<Target["name"], { job: BenchJob; group: string; lastActivity: number }>();

async function fanOutTo(ctx: Context, sockets: number): Promise<{ figures: Figure[]; cpu: CpuRecord[]; problems: string[]; notes: string[] }> {
  const { fanOutUpdates: updates, fanOutPerRound: perRound } = ctx.sizes;
  const last = { floor: [] as number[], tracker: [] as number[] };
  /** The slowest update per target: when its callback was answered, when the last socket had it, and which it was. */
  const slowest = { floor: { answered: 0, last: 0, index: 0 }, tracker: { answered: 0, last: 0, index: 0 } };
  const problems: string[] = [];
  const jobs = new Map<Target["name"], { job: BenchJob; group: string }>();
  // Both targets' sockets connect at once (connecting is not measured); the updates are interleaved.
  await Promise.all(
    [ctx.floor, ctx.tracker].map(async (target) => {
      const job = await newJob(ctx, target);
      const group = `fanout-${sockets}-${target.name}`;
      await openSockets(ctx, target, group, Array.from({ length: sockets }, () => job.wsUrl));
      // The first report starts the job (queued -> running): a status change, whose effects are
      // not what fan-out measures. It is sent, delivered and left to settle before the rounds.
      const key = nextKey();
      await job.report({ percent: 1, message: key });
      await ctx.subscribers.waitFor(group, key, WAIT_MS);
      jobs.set(target.name, { job, group });
    }),
  );
  await sleep(START_SETTLE_MS);
  const spansBefore = await trackerCounts(ctx.trackerServer.url);
  const cpu = await interleave(ctx, Math.ceil(updates / perRound), async (target) => {
    const { job, group } = jobs.get(target.name)!;
    // One unrecorded update first: the object may have hibernated while the other target ran.
    for (let i = -1; i < perRound; i++) {
      const key = nextKey();
      const sentAt = clock();
      await job.report({ percent: 50, message: key });
      const answered = clock() - sentAt;
      const { arrivals, missing } = await ctx.subscribers.waitFor(group, key, WAIT_MS);
      if (missing > 0) problems.push(`fan-out ${sockets}: ${missing} ${target.name} sockets never got ${key}`);
      if (arrivals.length > 0 && i >= 0) {
        const lastAt = Math.max(...arrivals) - sentAt;
        last[target.name].push(lastAt);
        if (lastAt > slowest[target.name].last) slowest[target.name] = { answered, last: lastAt, index: last[target.name].length };
      }
    }
  });
  const spans = spanNote(spansBefore, await trackerCounts(ctx.trackerServer.url));
  const notes = [
    `${sockets} sockets, slowest update: ` +
      (["floor", "tracker"] as const)
        .map((t) => `${t} (update ${slowest[t].index} of ${last[t].length}) answered in ${slowest[t].answered.toFixed(0)} ms, last socket at ${slowest[t].last.toFixed(0)} ms`)
        .join("; "),
    `${sockets} sockets, tracker time inside workerd: ${spans}`,
  ];
  if (sockets === ctx.sizes.idleSockets) for (const [name, j] of jobs) idleGroups.set(name, { ...j, lastActivity: clock() });
  for (const { group } of jobs.values()) {
    const check = await ctx.subscribers.check(group, []);
    if (check.reordered > 0 || check.gaps > 0 || check.closed > 0) {
      problems.push(`fan-out ${sockets}: ${check.reordered} reordered, ${check.gaps} seq gaps, ${check.closed} closed (${group})`);
    }
    if (sockets !== ctx.sizes.idleSockets) await ctx.subscribers.close(group);
  }
  const goals = sockets === 1000 ? { p99: { ratioAtMost: 1.2 } } : {};
  return { figures: distribution(`fan-out ${sockets}`, "last socket has it", last, goals), cpu, problems, notes };
}

export async function fanOut(ctx: Context): Promise<ScenarioOutcome> {
  const outcome: ScenarioOutcome = { figures: [], cpu: [], problems: [], notes: [] };
  for (const sockets of ctx.sizes.fanOutSockets) {
    const one = await fanOutTo(ctx, sockets);
    outcome.figures.push(...one.figures);
    outcome.cpu.push(...one.cpu);
    outcome.problems!.push(...one.problems);
    outcome.notes!.push(...one.notes);
  }
  outcome.notes!.push(`${ctx.sizes.fanOutUpdates} updates per target and socket count, in rounds of ${ctx.sizes.fanOutPerRound}`);
  return outcome;
}
