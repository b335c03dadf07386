/**
 * D1 on the request path, with a bounded wait: a D1 call that fails or takes longer than the
 * deployment's D1_TIMEOUT_MS becomes a 503 `storage_unavailable` at once, never a hang that
 * ends in a 500. Only for the Worker's request path: the job object's D1 mirror has its own
 * retry from the alarm and must not give up this way.
 */
import { ApiError } from "../errors";
import { log } from "../log";

/** The answer a caller gets while D1 cannot be reached: retry in a moment. */
export function storageUnavailable(): ApiError {
  return new ApiError(503, "storage_unavailable", "the job index is not reachable right now; try again in a few seconds");
}

/** Runs the D1 call `run`, named `what` in the log, and turns a failure or a wait past `timeoutMs` into a 503. */
export async function guardD1<T>(what: string, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (err) {
    log.warn("d1.unavailable", { query: what, error: err instanceof Error ? err.message : String(err) });
    throw storageUnavailable();
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
