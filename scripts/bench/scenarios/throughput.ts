/**
 * Throughput: one job, ten sockets, sixteen callers as fast as answers come,
 * for the round time. Callbacks/s acknowledged, messages/s delivered (frames
 * on all sockets), and every acknowledged report checked on every socket:
 * lost or reordered must be 0.
 */
import { spanNote, trackerCounts } from "../counts";
import type { Target } from "../targets";
import type { ScenarioOutcome } from "../run";
import { interleave, newJob, openSockets, type Context } from "./context";
import type { Figure } from "./figures";
import { addAcked, sustain } from "./load";
import { settleDelivery } from "./settle";

const SOCKETS = 10;

export async function throughput(ctx: Context): Promise<ScenarioOutcome> {
  const { loadRounds: rounds, loadRoundSeconds: seconds, callers } = ctx.sizes;
  const state = new Map<Target["name"], { group: string; job: Awaited<ReturnType<typeof newJob>>; acked: string[][]; seconds: number; errors: number; firstError: string | null }>();
  for (const target of [ctx.floor, ctx.tracker]) {
    const job = await newJob(ctx, target);
    const group = `throughput-${target.name}`;
    await openSockets(ctx, target, group, Array.from({ length: SOCKETS }, () => job.wsUrl));
    state.set(target.name, { group, job, acked: [], seconds: 0, errors: 0, firstError: null });
  }
  const spansBefore = await trackerCounts(ctx.trackerServer.url);
  const cpu = await interleave(ctx, rounds, async (target) => {
    const s = state.get(target.name)!;
    const round = await sustain([s.job], callers, seconds);
    addAcked(s.acked, round.acked);
    s.seconds += round.seconds;
    s.errors += round.errors;
    s.firstError ??= round.firstError;
  });
  const spans = spanNote(spansBefore, await trackerCounts(ctx.trackerServer.url));
  const figures: Figure[] = [];
  const problems: string[] = [];
  const per = { floor: {} as Record<string, number>, tracker: {} as Record<string, number> };
  for (const [name, s] of state) {
    const expected = s.acked[0] ?? [];
    const check = await settleDelivery(ctx, s.group, () => expected);
    await ctx.subscribers.close(s.group);
    per[name] = { callbacks: expected.length / s.seconds, messages: check.frames / s.seconds, lostOrReordered: check.lost + check.reordered, errors: s.errors };
    if (check.lost + check.reordered + check.gaps > 0) problems.push(`throughput ${name}: ${check.lost} lost, ${check.reordered} reordered, ${check.gaps} seq gaps`);
    if (s.errors > 0) problems.push(`throughput ${name}: ${s.errors} failed callbacks (${s.firstError})`);
  }
  const row = (label: string, unit: string, key: string, goal?: Figure["goal"]): Figure => ({
    scenario: "throughput 1 job",
    label,
    unit,
    floor: per.floor[key] ?? null,
    tracker: per.tracker[key] ?? null,
    ...(goal && { goal }),
  });
  figures.push(
    row("callbacks acknowledged", "/s", "callbacks", { ratioAtLeast: 0.85 }),
    row(`messages delivered (${SOCKETS} sockets)`, "/s", "messages"),
    row("lost or reordered", "count", "lostOrReordered", { trackerAtMost: 0 }),
    row("failed callbacks", "count", "errors"),
  );
  return { figures, cpu, problems, notes: [`${SOCKETS} sockets, ${callers} callers, ${rounds} x ${seconds} s per target`, `tracker time inside workerd: ${spans}`] };
}
