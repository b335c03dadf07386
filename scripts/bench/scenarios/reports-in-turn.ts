/**
 * Reports sent one after another to one job with one socket, on two targets
 * interleaved: the next report once the last was answered and delivered.
 * Delivery is report sent -> socket has it; the round trip is report sent ->
 * answer received. The latency and router scenarios are this with different
 * targets.
 */
import { clock, type Target, type TargetName } from "../targets";
import { interleave, newJob, nextKey, openSockets, type Context, type CpuRecord } from "./context";

const WARM_UP = 10;
const WAIT_MS = 10_000;

export interface ReportsInTurn {
  /** Milliseconds per recorded report, by target name. */
  delivery: Record<string, number[]>;
  roundTrip: Record<string, number[]>;
  cpu: CpuRecord[];
  warmUp: number;
}

export async function reportsInTurn<N extends TargetName>(
  ctx: Context,
  targets: [Target<N>, Target<N>],
  rounds: number,
  perRound: number,
  group: string,
): Promise<ReportsInTurn> {
  const delivery: Record<string, number[]> = {};
  const roundTrip: Record<string, number[]> = {};
  const senders = new Map<Target<N>, (record: boolean) => Promise<void>>();
  for (const target of targets) {
    const job = await newJob(ctx, target);
    const socketGroup = `${group}-${target.name}`;
    await openSockets(ctx, target, socketGroup, [job.wsUrl]);
    const send = async (record: boolean) => {
      const key = nextKey();
      const sentAt = clock();
      await job.report({ percent: 50, message: key });
      const answeredAt = clock();
      const { arrivals } = await ctx.subscribers.waitFor(socketGroup, key, WAIT_MS);
      if (arrivals.length !== 1) throw new Error(`${group}: ${target.name} socket never got ${key}`);
      if (record) {
        (roundTrip[target.name] ??= []).push(answeredAt - sentAt);
        (delivery[target.name] ??= []).push(arrivals[0]! - sentAt);
      }
    };
    for (let i = 0; i < WARM_UP; i++) await send(false);
    senders.set(target, send);
  }
  const cpu = await interleave(ctx, rounds, async (target) => {
    // One unrecorded report first: the object may have hibernated while the other target ran.
    for (let i = -1; i < perRound; i++) await senders.get(target)!(i >= 0);
  }, targets);
  for (const target of targets) await ctx.subscribers.close(`${group}-${target.name}`);
  return { delivery, roundTrip, cpu, warmUp: WARM_UP };
}
