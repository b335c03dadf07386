/**
 * Latency: one job, one socket, reports sent one after another (the next
 * once the last was answered and delivered). Delivery is report sent ->
 * socket has it; the round trip is report sent -> answer received.
 */
import { spanNote, trackerCounts } from "../counts";
import { distribution } from "./figures";
import { reportsInTurn } from "./reports-in-turn";
import type { Context } from "./context";
import type { ScenarioOutcome } from "../run";

export async function latency(ctx: Context): Promise<ScenarioOutcome> {
  const { latencyRounds: rounds, latencyPerRound: perRound } = ctx.sizes;
  const spansBefore = await trackerCounts(ctx.trackerServer.url);
  const { delivery, roundTrip, cpu, warmUp } = await reportsInTurn(ctx, [ctx.floor, ctx.tracker], rounds, perRound, "latency");
  const spans = spanNote(spansBefore, await trackerCounts(ctx.trackerServer.url));
  const samples = (of: Record<string, number[]>) => ({ floor: of.floor ?? [], tracker: of.tracker ?? [] });
  const figures = [
    ...distribution("latency", "delivery", samples(delivery), { p50: { ratioAtMost: 1.15 }, p99: { ratioAtMost: 1.5 } }),
    ...distribution("latency", "callback round trip", samples(roundTrip), { p50: { ratioAtMost: 1.3 } }),
  ];
  return { figures, cpu, notes: [
      `${rounds} rounds x ${perRound} reports per target, after ${warmUp} warm-up reports and one more per round`,
      `tracker time inside workerd (calls x mean, Date.now() spans): ${spans}`,
    ],
  };
}
