/**
 * The fan-out delivery check: matches what each watcher received to the
 * reports that were sent, measures each delay, counts what was missing, out
 * of order, skipped in seq, or not in the protocol, and names the problems
 * that fail the run.
 */
import { keyOf } from "./percent";
import type { Watcher } from "./watchers";

/** What one or more watchers saw, against the reports that were sent. */
export interface Delivery {
  delays: number[];
  missing: number;
  outOfOrder: number;
  seqGaps: number;
  invalid: number;
  closedEarly: number;
}

const noDelivery = (): Delivery => ({ delays: [], missing: 0, outOfOrder: 0, seqGaps: 0, invalid: 0, closedEarly: 0 });

/** Matches a watcher's frames to the reports (percent key -> send time) and checks their seq order. */
function checkDelivery(watcher: Watcher, sentAt: ReadonlyMap<number, number>): Delivery {
  const delivery: Delivery = { ...noDelivery(), closedEarly: watcher.closed ? 1 : 0 };
  const seen = new Set<number>();
  let lastSeq: number | null = null;
  for (const { at, message } of watcher.messages()) {
    if (!message) {
      delivery.invalid++;
      continue;
    }
    if (lastSeq !== null && message.seq <= lastSeq) {
      delivery.outOfOrder++;
    } else {
      if (lastSeq !== null) delivery.seqGaps += message.seq - lastSeq - 1;
      lastSeq = message.seq;
    }
    if (message.type !== "job:progress") continue;
    const key = keyOf(message.job.progress.percent);
    const sent = sentAt.get(key);
    if (sent === undefined || seen.has(key)) continue;
    seen.add(key);
    delivery.delays.push(at - sent);
  }
  delivery.missing = [...sentAt.keys()].filter((key) => !seen.has(key)).length;
  return delivery;
}

function addDelivery(total: Delivery, one: Delivery): Delivery {
  return {
    delays: total.delays.concat(one.delays),
    missing: total.missing + one.missing,
    outOfOrder: total.outOfOrder + one.outOfOrder,
    seqGaps: total.seqGaps + one.seqGaps,
    invalid: total.invalid + one.invalid,
    closedEarly: total.closedEarly + one.closedEarly,
  };
}

/** Every watcher's delivery against the reports (percent key -> send time), summed. */
export function checkDeliveries(watchers: readonly Watcher[], sentAt: ReadonlyMap<number, number>): Delivery {
  return watchers.map((w) => checkDelivery(w, sentAt)).reduce(addDelivery, noDelivery());
}

/** The delivery problems that fail the run; missing events only count when the run was not cut short. */
export function deliveryProblems(d: Delivery, cutShort: boolean): string[] {
  const problems = [
    d.missing > 0 && !cutShort ? `${d.missing} missing` : "",
    d.outOfOrder > 0 ? `${d.outOfOrder} out of order` : "",
    d.seqGaps > 0 ? `${d.seqGaps} seq gaps` : "",
    d.invalid > 0 ? `${d.invalid} frames not in the protocol` : "",
    d.closedEarly > 0 ? `${d.closedEarly} watchers closed early` : "",
  ];
  return problems.filter(Boolean);
}
