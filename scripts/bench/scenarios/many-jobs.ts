/**
 * Many jobs: 200 jobs with one socket each, all started (one report each,
 * not counted), then sixteen callers sending to the jobs in turn. Callbacks/s, loss and order per socket, and (tracker) the D1
 * rows written per callback, counted by the triggers from the first round to
 * MIRROR_INTERVAL_MS after the last (the mirror's trailing writes included).
 */
import { spanNote, trackerCounts } from "../counts";
import { readWrites, writesSince } from "../d1-writes";
import { clock, type BenchJob, type Target } from "../targets";
import { settleMirror } from "./mirror-settle";
import type { ScenarioOutcome } from "../run";
import { interleave, newJob, nextKey, openSockets, pool, type Context } from "./context";
import type { Figure } from "./figures";
import { addAcked, sustain } from "./load";
import { settleDelivery } from "./settle";

/** Requests at once while making and starting the jobs. */
const SETUP_WIDTH = 32;

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
  // Both targets are set up at once (not measured); the load is interleaved.
  await Promise.all(
    [ctx.floor, ctx.tracker].map(async (target) => {
      const jobs = await pool(count, SETUP_WIDTH, () => newJob(ctx, target));
      const group = `many-${target.name}`;
      await openSockets(ctx, target, group, jobs.map((j) => j.wsUrl));
      // One report each first, so every job is running: the figures are of the steady state, not of 200 starts.
      await pool(count, SETUP_WIDTH, (i) => jobs[i]!.report({ percent: 50, message: nextKey() }));
      state.set(target.name, { jobs, group, acked: [], seconds: 0, errors: 0, firstError: null });
    }),
  );
  const d1Before = readWrites(ctx.trackerServer.state);
  const spansBefore = await trackerCounts(ctx.trackerServer.url);
  let trackerDoneAt = clock();
  const cpu = await interleave(ctx, rounds, async (target) => {
    const s = state.get(target.name)!;
    const round = await sustain(s.jobs, callers, seconds);
    if (target.name === "tracker") trackerDoneAt = clock();
    addAcked(s.acked, round.acked);
    s.seconds += round.seconds;
    s.errors += round.errors;
    s.firstError ??= round.firstError;
  });
  const spans = spanNote(spansBefore, await trackerCounts(ctx.trackerServer.url));
  await settleMirror(ctx, trackerDoneAt);
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
    `${count} running jobs x 1 socket, ${callers} callers, ${rounds} x ${seconds} s per target; ` +
      `D1: ${d1.total} rows written (${JSON.stringify(d1.byTable)}) for ${trackerCallbacks} callbacks, counted by triggers`,
    `tracker time inside workerd: ${spans}`,
  ];
  return { figures, cpu, problems, notes, details: { d1 } };
}
