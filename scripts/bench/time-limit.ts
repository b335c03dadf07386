/**
 * The benchmark's time limit: the error that marks a run cut short by it, a
 * wrapper that turns that error into "cut short", and a wait bounded both by
 * its own deadline and by the limit.
 */
import { Stop } from "../lib/api-client";

/** The time limit cut a run short. */
export class TimeUp extends Error {}

/** Runs `body`; a TimeUp ends it early and is answered `true` (cut short). */
export async function untilTimeUp(body: () => Promise<void>): Promise<boolean> {
  try {
    await body();
    return false;
  } catch (err) {
    if (err instanceof TimeUp) return true;
    throw err;
  }
}

/** `promise`, bounded by `ms` (a Stop naming `what`) and by the time limit (a TimeUp). */
export function bounded<T>(promise: Promise<T>, ms: number, limit: AbortSignal, what: string): Promise<T> {
  const signal = AbortSignal.any([limit, AbortSignal.timeout(ms)]);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(limit.aborted ? new TimeUp() : new Stop(`${what}: nothing within ${ms} ms`, 1));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
