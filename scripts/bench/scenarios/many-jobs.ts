/**
 * Many jobs: 200 jobs with one socket each, sixteen callers sending to the
 * jobs in turn. Callbacks/s, loss and order per socket, and (tracker) the D1
 * rows written per callback, counted by the triggers from the first round to
 * a settle time after the last (the mirror's trailing writes included).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { spanNote, trackerCounts } from "../counts";
import { readWrites, writesSince } from "../d1-writes";
import type { BenchJob, Target } from "../targets";
import type { ScenarioOutcome } from "../run";
import { interleave, newJob, openSockets, pool, type Context } from "./context";
import type { Figure } from "./figures";
import { addAcked, sustain } from "./load";
import { settleDelivery } from "./settle";

/** Past MIRROR_INTERVAL_MS (1 s), so a job's last progress write has landed. */
export const MIRROR_SETTLE_MS = 2_500;

interface State {
  jobs: BenchJob[];
  group: string;
  acked: string[][];
  seconds: number;
  errors: number;
  firstError: string | null;
}

export async function manyJobs(ctx: Context): Promise<ScenarioOutcome> {
  const { loadRounds: rounds, loadRoundSeconds: seconds, callers, manyJobs: count } = ctx.sizes;
  const state = new Map<Target["name"], State>();
  for (const target of [ctx.floor, ctx.tracker]) {
    const jobs = await pool(count, callers, () => newJob(ctx, target));
    const group = `many-${target.name}`;
    await openSockets(ctx, target, group, jobs.map((j) => j.wsUrl));
    state.set(target.name, { jobs, group, acked: [], seconds: 0, errors: 0, firstError: null });
  }
  const d1Before = readWrites(ctx.trackerServer.state);
  const spansBefore = await trackerCounts(ctx.trackerServer.url);
  const cpu = await interleave(ctx, rounds, async (target) => {
    const s = state.get(target.name)!;
    const round = await sustain(s.jobs, callers, seconds);
    addAcked(s.acked, round.acked);
    s.seconds += round.seconds;
    s.errors += round.errors;
    s.firstError ??= round.firstError;
  });
  const spans = spanNote(spansBefore, await trackerCounts(ctx.trackerServer.url));
  await sleep(MIRROR_SETTLE_MS);
  const d1 = writesSince(d1Before, readWrites(ctx.trackerServer.state));
  const problems: string[] = [];
  const per = { floor: {} as Record<string, number>, tracker: {} as Record<string, number> };
  for (const [name, s] of state) {
    const check = await settleDelivery(ctx, s.group, (i) => s.acked[i] ?? []);
    await ctx.subscribers.close(s.group);
    const callbacks = s.acked.reduce((n, keys) => n + keys.length, 0);
    per[name] = { callbacks: callbacks / s.seconds, lostOrReordered: check.lost + check.reordered, total: callbacks };
    if (check.lost + check.reordered + check.gaps > 0) problems.push(`many jobs ${name}: ${check.lost} lost, ${check.reordered} reordered, ${check.gaps} seq gaps`);
    if (s.errors > 0) problems.push(`many jobs ${name}: ${s.errors} failed callbacks (${s.firstError})`);
  }
  const trackerCallbacks = per.tracker.total ?? 0;
  const scenario = `many jobs (${count})`;
  const figures: Figure[] = [
    { scenario, label: "callbacks acknowledged", unit: "/s", floor: per.floor.callbacks ?? null, tracker: per.tracker.callbacks ?? null, goal: { ratioAtLeast: 0.8 } },
    { scenario, label: "lost or reordered", unit: "count", floor: per.floor.lostOrReordered ?? null, tracker: per.tracker.lostOrReordered ?? null, goal: { trackerAtMost: 0 } },
    {
      scenario,
      label: "D1 rows written per callback",
      unit: "rows",
      floor: null,
      tracker: trackerCallbacks > 0 ? d1.total / trackerCallbacks : null,
      goal: { trackerAtMost: 0.2 },
    },
  ];
  const notes = [
    `${count} jobs x 1 socket, ${callers} callers, ${rounds} x ${seconds} s per target; ` +
      `D1: ${d1.total} rows written (${JSON.stringify(d1.byTable)}) for ${trackerCallbacks} callbacks, counted by triggers`,
    `tracker time inside workerd: ${spans}`,
  ];
  return { figures, cpu, problems, notes, details: { d1 } };
}
