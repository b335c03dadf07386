/**
 * After a load run: waits until every socket of a group has every
 * acknowledged report (or the settle time is over), then answers the check.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { CheckResult } from "../subscriber-protocol";
import type { Context } from "./context";

const SETTLE_MS = 10_000;

export async function settleDelivery(ctx: Context, group: string, expected: (socket: number) => string[]): Promise<CheckResult> {
  const until = Date.now() + SETTLE_MS;
  for (;;) {
    const check = await ctx.subscribers.check(group, expected);
    if (check.lost === 0 || Date.now() > until) return check;
    await sleep(200);
  }
}
