/**
 * D1 writes at a steady rate: one tracker job sent 50 reports a second, on
 * schedule whether or not the last was answered (at most MAX_IN_FLIGHT at
 * once, so a slow machine lowers the rate rather than queueing), rows written counted by the triggers from the
 * first report to a settle time after the last, per second of the job's
 * reporting. The floor has no D1, so this is the tracker's figure alone.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { readWrites, writesSince } from "../d1-writes";
import { clock } from "../targets";
import type { ScenarioOutcome } from "../run";
import { cpuRecord, newJob, nextKey, type Context } from "./context";
import { settleMirror } from "./mirror-settle";
import { sampleCpu } from "../cpu";

const RATE = 50;
const MAX_IN_FLIGHT = 16;

export async function d1Rate(ctx: Context): Promise<ScenarioOutcome> {
  const seconds = ctx.sizes.d1Seconds;
  const job = await newJob(ctx, ctx.tracker);
  const cpu = sampleCpu([{ name: "tracker", pid: ctx.trackerServer.pid }]);
  const before = readWrites(ctx.trackerServer.state);
  const start = clock();
  let late = 0;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < seconds * RATE; i++) {
    const wait = start + (i * 1000) / RATE - clock();
    if (wait > 0) await sleep(wait);
    else late++;
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    // One percent for all: reports in flight together may be applied in any order, and a lower percent would be refused.
    const sent: Promise<void> = job.report({ percent: 40, message: nextKey() }).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
  const elapsed = (clock() - start) / 1000;
  await settleMirror(ctx, clock());
  const d1 = writesSince(before, readWrites(ctx.trackerServer.state));
  const shares = cpu.stop();
  return {
    figures: [
      { scenario: `D1 at ${RATE} callbacks/s`, label: "D1 rows written per job-second", unit: "rows", floor: null, tracker: d1.total / elapsed, goal: { trackerAtMost: 1 } },
    ],
    cpu: [cpuRecord(shares)],
    notes: [
      `${seconds * RATE} reports over ${elapsed.toFixed(1)} s (${late} sent late, at most ${MAX_IN_FLIGHT} in flight); ${d1.total} rows written ${JSON.stringify(d1.byTable)}, the first (queued -> running) included`,
    ],
  };
}
