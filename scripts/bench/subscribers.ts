/**
 * The bench's WebSocket subscribers, spread over worker threads so the load
 * generator's receiving side is never the bottleneck: open a group of
 * sockets, wait until every socket of the group has a report (answering each
 * socket's arrival time), check loss and order, close.
 */
import { Worker } from "node:worker_threads";
import type { CheckResult, Reply, Request } from "./subscriber-protocol";

type Body<R> = R extends unknown ? Omit<R, "id"> : never;

export class Subscribers {
  private readonly threads: Worker[];
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  /** Sockets per group, so each request reaches only the threads that hold some. */
  private readonly sizes = new Map<string, number>();

  constructor(count: number) {
    this.threads = Array.from({ length: count }, () => {
      const thread = new Worker(new URL("./subscriber-thread.ts", import.meta.url));
      thread.on("message", (reply: Reply) => {
        this.pending.get(reply.id)?.(reply);
        this.pending.delete(reply.id);
      });
      thread.on("error", (err) => {
        console.error("subscriber thread failed:", err);
        process.exitCode = 1;
      });
      return thread;
    });
  }

  /** The OS thread ids are not exposed by Node; the pool size is what the CPU report names. */
  get size(): number {
    return this.threads.length;
  }

  private ask<R extends Reply>(thread: Worker, body: Body<Request>): Promise<R> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (reply) => resolve(reply as R));
      thread.postMessage({ ...body, id });
    });
  }

  /** Threads that hold sockets of a group of `size` (socket i lives on thread i mod count). */
  private holders(group: string): Worker[] {
    const size = this.sizes.get(group) ?? 0;
    return this.threads.slice(0, Math.min(size, this.threads.length));
  }

  /** Opens one socket per url (socket i on url i); resolves when each has its first frame; throws on any failure. */
  async open(group: string, urls: string[]): Promise<void> {
    this.sizes.set(group, urls.length);
    const replies = await Promise.all(
      this.holders(group).map((thread, t) =>
        this.ask<{ id: number; failed: string | null }>(thread, {
          op: "open",
          group,
          urls: urls.map((url, index) => ({ index, url })).filter(({ index }) => index % this.threads.length === t),
        }),
      ),
    );
    const failed = replies.find((r) => r.failed)?.failed;
    if (failed) throw new Error(`${group}: ${failed}`);
  }

  /** Each socket's arrival time of report `key` (ms, performance.timeOrigin + now), once all have it or at `timeoutMs`. */
  async waitFor(group: string, key: string, timeoutMs: number): Promise<{ arrivals: number[]; missing: number }> {
    const replies = await Promise.all(
      this.holders(group).map((t) => this.ask<{ id: number; arrivals: number[]; missing: number }>(t, { op: "waitFor", group, key, timeoutMs })),
    );
    return { arrivals: replies.flatMap((r) => r.arrivals), missing: replies.reduce((n, r) => n + r.missing, 0) };
  }

  /** Loss and order: every socket should have `expected` (one list for all) or `expected(i)` for socket i. */
  async check(group: string, expected: string[] | ((socket: number) => string[])): Promise<CheckResult> {
    const size = this.sizes.get(group) ?? 0;
    const replies = await Promise.all(
      this.holders(group).map((thread, t) => {
        let perSocket: Record<number, string[]> | null = null;
        if (typeof expected === "function") {
          perSocket = {};
          for (let i = t; i < size; i += this.threads.length) perSocket[i] = expected(i);
        }
        const all = typeof expected === "function" ? null : expected;
        return this.ask<{ id: number; check: CheckResult }>(thread, { op: "check", group, expected: perSocket, expectedAll: all });
      }),
    );
    const total: CheckResult = { sockets: 0, frames: 0, lost: 0, reordered: 0, gaps: 0, closed: 0 };
    for (const { check } of replies) for (const k of Object.keys(total) as (keyof CheckResult)[]) total[k] += check[k];
    return total;
  }

  /** Every arrival of every report key on every socket of the group, as [key, at] pairs (for latency under load). */
  async arrivals(group: string): Promise<[key: string, at: number][]> {
    const replies = await Promise.all(
      this.holders(group).map((t) => this.ask<{ id: number; arrivals: [string, number][] }>(t, { op: "arrivals", group })),
    );
    return replies.flatMap((r) => r.arrivals);
  }

  async close(group: string): Promise<void> {
    await Promise.all(this.holders(group).map((t) => this.ask(t, { op: "close", group })));
    this.sizes.delete(group);
  }

  async stop(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
