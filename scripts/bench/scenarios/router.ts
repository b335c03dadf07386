/**
 * Router: what wrangler's asset router in front of a Worker costs a report.
 * The tracker serves its web app from the same Worker ([assets] with its API
 * paths run first), so every request passes the router before the Worker;
 * the floor is measured behind the same front (floor/wrangler.toml). This
 * scenario drives that floor and the floor without [assets]
 * (floor/wrangler-bare.toml) with reports in turn, interleaved, so the hop
 * is a figure of the same run, not a claim. It has no target: it explains
 * the difference between the two ways of running the bench.
 */
import { pct } from "./figures";
import { reportsInTurn } from "./reports-in-turn";
import type { Context } from "./context";
import type { ScenarioOutcome } from "../run";
import type { Target, TargetName } from "../targets";

export async function router(ctx: Context): Promise<ScenarioOutcome> {
  if (!ctx.otherFloor) throw new Error("router: the second floor was not started");
  const [bare, behindAssets]: [Target<TargetName>, Target<TargetName>] = ctx.bareFloor ? [ctx.floor, ctx.otherFloor] : [ctx.otherFloor, ctx.floor];
  const { latencyRounds: rounds, latencyPerRound: perRound } = ctx.sizes;
  const { delivery, roundTrip, cpu } = await reportsInTurn(ctx, [bare, behindAssets], rounds, perRound, "router");
  const line = (what: string, of: Record<string, number[]>) => {
    const [b50, a50] = [pct(of[bare.name] ?? [], 50), pct(of[behindAssets.name] ?? [], 50)];
    const [b90, a90] = [pct(of[bare.name] ?? [], 90), pct(of[behindAssets.name] ?? [], 90)];
    const ms = (n: number | null) => (n === null ? "–" : n.toFixed(1));
    const plus = b50 === null || a50 === null ? "–" : `${(a50 - b50).toFixed(1)} ms, ${(a50 / b50).toFixed(2)}x`;
    return `${what} p50 ${ms(b50)} ms without [assets], ${ms(a50)} ms behind it (+${plus}); p90 ${ms(b90)} / ${ms(a90)} ms`;
  };
  return {
    figures: [],
    cpu,
    notes: [
      `the floor with and without wrangler's asset router in front, ${rounds} rounds x ${perRound} reports each, interleaved`,
      line("delivery", delivery),
      line("callback round trip", roundTrip),
    ],
    details: { delivery, roundTrip },
  };
}
