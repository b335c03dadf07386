/**
 * One subscriber thread (node:worker_threads): holds WebSockets for the bench
 * so that receiving frames never competes with the thread that sends the
 * callbacks. Stamps each `job:progress` frame on arrival with a clock shared
 * by every thread of the process (timeOrigin + now), keyed by the report's
 * unique message, and checks seq order per socket. Answers the pool's
 * requests (see subscribers.ts for the protocol).
 */
import { parentPort } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import type { CheckResult, Request, Reply } from "./subscriber-protocol";

const clock = () => performance.timeOrigin + performance.now();

interface Socket {
  index: number;
  ws: WebSocket;
  arrivals: Map<string, number>;
  lastSeq: number;
  reordered: number;
  gaps: number;
  frames: number;
  closed: boolean;
}

interface Waiter {
  key: string;
  arrivals: number[];
  pending: Set<Socket>;
  done: () => void;
}

interface Group {
  sockets: Socket[];
  waiters: Waiter[];
}

const groups = new Map<string, Group>();
const reply = (message: Reply) => parentPort!.postMessage(message);

/** The report key and seq of a frame, or null for frames that are not progress. */
function parseFrame(data: unknown): { key: string | null; seq: number | null } {
  if (typeof data !== "string") return { key: null, seq: null };
  let message: { type?: string; seq?: number; job?: { progress?: { message?: string } } };
  try {
    message = JSON.parse(data) as typeof message;
  } catch {
    return { key: null, seq: null };
  }
  const seq = typeof message.seq === "number" ? message.seq : null;
  const key = message.type === "job:progress" ? (message.job?.progress?.message ?? null) : null;
  return { key, seq };
}

function onFrame(group: Group, socket: Socket, data: unknown): void {
  const at = clock(); // first, so nothing below delays the stamp
  const { key, seq } = parseFrame(data);
  if (seq !== null) {
    if (seq <= socket.lastSeq) socket.reordered++;
    else {
      if (socket.lastSeq > 0 && key !== null) socket.gaps += seq - socket.lastSeq - 1;
      socket.lastSeq = seq;
    }
  }
  if (key === null) return;
  socket.frames++;
  if (!socket.arrivals.has(key)) socket.arrivals.set(key, at);
  for (const waiter of group.waiters) {
    if (waiter.key === key && waiter.pending.delete(socket)) {
      waiter.arrivals.push(at);
      if (waiter.pending.size === 0) waiter.done();
    }
  }
}

function onClose(group: Group, socket: Socket): void {
  socket.closed = true;
  for (const waiter of group.waiters) if (waiter.pending.delete(socket) && waiter.pending.size === 0) waiter.done();
}

/** Opens `urls`; answers once each socket has its first frame (or failed). */
function open(id: number, name: string, urls: { index: number; url: string }[]): void {
  const group: Group = groups.get(name) ?? { sockets: [], waiters: [] };
  groups.set(name, group);
  let waiting = urls.length;
  let failed: string | null = null;
  const settle = (problem?: string) => {
    if (problem) failed ??= problem;
    if (--waiting === 0) reply({ id, failed });
  };
  if (waiting === 0) return reply({ id, failed });
  for (const { index, url } of urls) {
    const socket: Socket = { index, ws: new WebSocket(url), arrivals: new Map(), lastSeq: 0, reordered: 0, gaps: 0, frames: 0, closed: false };
    group.sockets.push(socket);
    let first = true;
    socket.ws.addEventListener("message", (event) => {
      if (first) {
        first = false;
        settle();
      }
      onFrame(group, socket, event.data);
    });
    socket.ws.addEventListener("close", (event) => {
      if (first) {
        first = false;
        settle(`socket closed before its first frame: ${event.code} ${event.reason}`);
      }
      onClose(group, socket);
    });
  }
}

/** Answers when every open socket of the group has `key`, or at `timeoutMs`. */
function waitFor(id: number, name: string, key: string, timeoutMs: number): void {
  const group = groups.get(name);
  const sockets = group?.sockets ?? [];
  const arrivals: number[] = [];
  const pending = new Set<Socket>();
  for (const socket of sockets) {
    const at = socket.arrivals.get(key);
    if (at !== undefined) arrivals.push(at);
    else if (!socket.closed) pending.add(socket);
  }
  let timer: NodeJS.Timeout | undefined;
  const waiter: Waiter = {
    key,
    arrivals,
    pending,
    done: () => {
      clearTimeout(timer);
      if (group) group.waiters = group.waiters.filter((w) => w !== waiter);
      reply({ id, arrivals, missing: sockets.length - arrivals.length });
    },
  };
  if (pending.size === 0) return waiter.done();
  group!.waiters.push(waiter);
  timer = setTimeout(waiter.done, timeoutMs);
}

/** Loss and order over the group: `expected[i]` (or `expectedAll`) are the keys socket i should have. */
function check(id: number, name: string, expected: Record<number, string[]> | null, expectedAll: string[] | null): void {
  const result: CheckResult = { sockets: 0, frames: 0, lost: 0, reordered: 0, gaps: 0, closed: 0 };
  for (const socket of groups.get(name)?.sockets ?? []) {
    result.sockets++;
    result.frames += socket.frames;
    result.reordered += socket.reordered;
    result.gaps += socket.gaps;
    if (socket.closed) result.closed++;
    for (const key of expectedAll ?? expected?.[socket.index] ?? []) if (!socket.arrivals.has(key)) result.lost++;
  }
  reply({ id, check: result });
}

/** Every socket's first arrival of every report key it got, as [key, at] pairs. */
function arrivals(id: number, name: string): void {
  const all: [string, number][] = [];
  for (const socket of groups.get(name)?.sockets ?? []) for (const [key, at] of socket.arrivals) all.push([key, at]);
  reply({ id, arrivals: all });
}

function close(id: number, name: string): void {
  for (const socket of groups.get(name)?.sockets ?? []) {
    try {
      socket.ws.close(1000, "bench done");
    } catch {
      // Already closing.
    }
  }
  groups.delete(name);
  reply({ id });
}

parentPort!.on("message", (request: Request) => {
  switch (request.op) {
    case "open":
      return open(request.id, request.group, request.urls);
    case "waitFor":
      return waitFor(request.id, request.group, request.key, request.timeoutMs);
    case "check":
      return check(request.id, request.group, request.expected, request.expectedAll);
    case "arrivals":
      return arrivals(request.id, request.group);
    case "close":
      return close(request.id, request.group);
  }
});
