/**
 * The server-side counters: the tracker's (tracker/entry.ts, GET
 * /api/__bench/counts) and the floor's objects constructed (GET /counts).
 */
export interface TrackerCounts {
  workerRequests: number;
  doRequests: Record<string, number>;
  alarms: Record<string, number>;
  wsMessagesIn: Record<string, number>;
  constructed: Record<string, Record<string, number>>;
  r2: { classA: number; classB: number };
  /** Calls and milliseconds per "Class.method" (stub calls) and "METHOD /route" (Worker requests). */
  spans: Record<string, { n: number; ms: number }>;
}

export async function trackerCounts(url: string): Promise<TrackerCounts> {
  return (await (await fetch(`${url}/api/__bench/counts`)).json()) as TrackerCounts;
}

/** How many times an object of `className` named `name` was constructed (a new instance after hibernation). */
export async function constructedCount(target: "floor" | "tracker", url: string, name: string): Promise<number> {
  if (target === "tracker") return (await trackerCounts(url)).constructed.ExportJobState?.[name] ?? 0;
  const body = (await (await fetch(`${url}/counts`)).json()) as { constructed: Record<string, number> };
  return body.constructed[name] ?? 0;
}

const sum = (table: Record<string, number>) => Object.values(table).reduce((a, b) => a + b, 0);

/** after - before, per field (tables per key). */
export function countsSince(before: TrackerCounts, after: TrackerCounts): Omit<TrackerCounts, "constructed" | "spans"> {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(a).map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)]).filter(([, n]) => n !== 0));
  return {
    workerRequests: after.workerRequests - before.workerRequests,
    doRequests: diff(after.doRequests, before.doRequests),
    alarms: diff(after.alarms, before.alarms),
    wsMessagesIn: diff(after.wsMessagesIn, before.wsMessagesIn),
    r2: { classA: after.r2.classA - before.r2.classA, classB: after.r2.classB - before.r2.classB },
  };
}

/** Durable Object requests as billed: fetch and RPC calls, alarms, and incoming WebSocket messages at 20:1. */
export function billableObjectRequests(c: Omit<TrackerCounts, "constructed" | "spans">): number {
  return sum(c.doRequests) + sum(c.alarms) + Math.ceil(sum(c.wsMessagesIn) / 20);
}

/**
 * Where the tracker's time went between two readings: each span's calls and
 * mean milliseconds, busiest first, as one line ("POST /api/jobs/:id/callbacks/progress
 * 500 x 9.1 ms, ExportJobState.apply 500 x 6.0 ms, ...").
 */
export function spanNote(before: TrackerCounts, after: TrackerCounts, top = 6): string {
  const rows = Object.entries(after.spans)
    .map(([name, span]) => {
      const was = before.spans[name] ?? { n: 0, ms: 0 };
      return { name, n: span.n - was.n, ms: span.ms - was.ms };
    })
    .filter((r) => r.n > 0)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
  return rows.map((r) => `${r.name} ${r.n} x ${(r.ms / r.n).toFixed(1)} ms`).join(", ");
}
