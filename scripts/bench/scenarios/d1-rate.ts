/**
 * D1 writes at a steady rate: one tracker job sent 50 reports a second (paced,
 * not as fast as possible), rows written counted by the triggers from the
 * first report to a settle time after the last, per second of the job's
 * reporting. The floor has no D1, so this is the tracker's figure alone.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { readWrites, writesSince } from "../d1-writes";
import { clock } from "../targets";
import type { ScenarioOutcome } from "../run";
import { newJob, nextKey, type Context } from "./context";
import { MIRROR_SETTLE_MS } from "./many-jobs";
import { sampleCpu } from "../cpu";

const RATE = 50;

export async function d1Rate(ctx: Context): Promise<ScenarioOutcome> {
  const seconds = ctx.sizes.d1Seconds;
  const job = await newJob(ctx, ctx.tracker);
  const cpu = sampleCpu([{ name: "tracker", pid: ctx.trackerServer.pid }]);
  const before = readWrites(ctx.trackerServer.state);
  const start = clock();
  let late = 0;
  for (let i = 0; i < seconds * RATE; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - clock();
    if (wait > 0) await sleep(wait);
    else late++;
    await job.report({ percent: Math.min(99, i / 10), message: nextKey() });
  }
  const elapsed = (clock() - start) / 1000;
  await sleep(MIRROR_SETTLE_MS);
  const d1 = writesSince(before, readWrites(ctx.trackerServer.state));
  const shares = cpu.stop();
  return {
    figures: [
      { scenario: `D1 at ${RATE} callbacks/s`, label: "D1 rows written per job-second", unit: "rows", floor: null, tracker: d1.total / seconds, goal: { trackerAtMost: 1 } },
    ],
    cpu: [{ target: "tracker", round: 0, shares, saturated: [] }],
    notes: [
      `${seconds * RATE} reports over ${elapsed.toFixed(1)} s (${late} sent late); ${d1.total} rows written ${JSON.stringify(d1.byTable)}, the first (queued -> running) included`,
    ],
  };
}
