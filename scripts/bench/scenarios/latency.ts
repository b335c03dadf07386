/**
 * Latency: one job, one socket, reports sent one after another (the next
 * once the last was answered and delivered). Delivery is report sent ->
 * socket has it; the round trip is report sent -> answer received.
 */
import { spanNote, trackerCounts } from "../counts";
import { clock } from "../targets";
import { distribution, type Figure } from "./figures";
import { interleave, newJob, nextKey, openSockets, type Context } from "./context";
import type { ScenarioOutcome } from "../run";

const WARM_UP = 10;
const WAIT_MS = 10_000;

export async function latency(ctx: Context): Promise<ScenarioOutcome> {
  const { latencyRounds: rounds, latencyPerRound: perRound } = ctx.sizes;
  const delivery = { floor: [] as number[], tracker: [] as number[] };
  const roundTrip = { floor: [] as number[], tracker: [] as number[] };
  const setups = new Map<string, { send: (record: boolean) => Promise<void> }>();
  for (const target of [ctx.floor, ctx.tracker]) {
    const job = await newJob(ctx, target);
    const group = `latency-${target.name}`;
    await openSockets(ctx, target, group, [job.wsUrl]);
    const send = async (record: boolean) => {
      const key = nextKey();
      const sentAt = clock();
      await job.report({ percent: 50, message: key });
      const answeredAt = clock();
      const { arrivals } = await ctx.subscribers.waitFor(group, key, WAIT_MS);
      if (arrivals.length !== 1) throw new Error(`latency: ${target.name} socket never got ${key}`);
      if (record) {
        roundTrip[target.name].push(answeredAt - sentAt);
        delivery[target.name].push(arrivals[0]! - sentAt);
      }
    };
    for (let i = 0; i < WARM_UP; i++) await send(false);
    setups.set(target.name, { send });
  }
  const spansBefore = await trackerCounts(ctx.trackerServer.url);
  const cpu = await interleave(ctx, rounds, async (target) => {
    // One unrecorded report first: the object may have hibernated while the other target ran.
    for (let i = -1; i < perRound; i++) await setups.get(target.name)!.send(i >= 0);
  });
  const spans = spanNote(spansBefore, await trackerCounts(ctx.trackerServer.url));
  for (const target of [ctx.floor, ctx.tracker]) await ctx.subscribers.close(`latency-${target.name}`);
  const figures = [
    ...distribution("latency", "delivery", delivery, { p50: { ratioAtMost: 1.15 }, p99: { ratioAtMost: 1.5 } }),
    ...distribution("latency", "callback round trip", roundTrip, { p50: { ratioAtMost: 1.3 } }),
  ];
  return { figures, cpu, notes: [
      `${rounds} rounds x ${perRound} reports per target, after ${WARM_UP} warm-up reports and one more per round`,
      `tracker time inside workerd (calls x mean, Date.now() spans): ${spans}`,
    ],
  };
}
