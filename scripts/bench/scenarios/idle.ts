/**
 * Idle: 1,000 sockets on one job (the fan-out job's, or new ones) left
 * silent past the ~10 s after which an idle object hibernates; then one
 * update, which must reach every socket. The object's constructor count
 * (floor: /counts, tracker: /api/__bench/counts) shows it was evicted and came
 * back: the sockets stayed connected without it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { constructedCount } from "../counts";
import { clock, type Target } from "../targets";
import type { ScenarioOutcome } from "../run";
import { newJob, nextKey, openSockets, type Context } from "./context";
import { idleGroups } from "./fan-out";
import type { Figure } from "./figures";

const WAIT_MS = 20_000;

export async function idle(ctx: Context): Promise<ScenarioOutcome> {
  const sockets = ctx.sizes.idleSockets;
  for (const target of [ctx.floor, ctx.tracker]) {
    if (idleGroups.has(target.name)) continue;
    const job = await newJob(ctx, target);
    const group = `idle-${target.name}`;
    await openSockets(ctx, target, group, Array.from({ length: sockets }, () => job.wsUrl));
    idleGroups.set(target.name, { job, group, lastActivity: clock() });
  }
  const quietSince = Math.max(...[...idleGroups.values()].map((g) => g.lastActivity));
  const wait = quietSince + ctx.sizes.idleWaitMs - clock();
  if (wait > 0) {
    console.log(`   waiting ${(wait / 1000).toFixed(0)} s for the objects to hibernate`);
    await sleep(wait);
  }
  const per = { floor: {} as Record<string, number>, tracker: {} as Record<string, number> };
  const problems: string[] = [];
  const notes: string[] = [];
  for (const target of [ctx.floor, ctx.tracker] as Target[]) {
    const { job, group, lastActivity } = idleGroups.get(target.name)!;
    const before = await constructedCount(target.name, target.server.url, job.id);
    const key = nextKey();
    const sentAt = clock();
    await job.report({ percent: 60, message: key });
    const { arrivals, missing } = await ctx.subscribers.waitFor(group, key, WAIT_MS);
    const after = await constructedCount(target.name, target.server.url, job.id);
    const check = await ctx.subscribers.check(group, []);
    await ctx.subscribers.close(group);
    per[target.name] = { last: arrivals.length ? Math.max(...arrivals) - sentAt : NaN, missing, evicted: after > before ? 1 : 0 };
    notes.push(
      `${target.name}: idle ${((sentAt - lastActivity) / 1000).toFixed(0)} s; object ${after > before ? "was evicted and constructed again" : "was NOT evicted"} ` +
        `(constructor runs ${before} -> ${after}); ${arrivals.length} of ${sockets} sockets got the update, ${check.closed} closed`,
    );
    if (missing > 0) problems.push(`idle ${target.name}: ${missing} sockets never got the update after hibernation`);
  }
  const scenario = `idle (${sockets} sockets)`;
  const figures: Figure[] = [
    { scenario, label: "update after hibernation, last socket has it", unit: "ms", floor: per.floor.last ?? null, tracker: per.tracker.last ?? null },
    { scenario, label: "sockets that missed it", unit: "count", floor: per.floor.missing ?? null, tracker: per.tracker.missing ?? null, goal: { trackerAtMost: 0 } },
    { scenario, label: "object evicted while idle", unit: "yes/no", floor: per.floor.evicted ?? null, tracker: per.tracker.evicted ?? null },
  ];
  return { figures, cpu: [], problems, notes };
}
