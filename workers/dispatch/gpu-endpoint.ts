/**
 * The RunPod-style GPU provider API the push mode speaks:
 *   POST {endpoint}/run          {input: {...}}  -> {id, status}
 *   POST {endpoint}/cancel/{id}
 * with `Authorization: Bearer <GPU_ENDPOINT_KEY>` when that secret is set.
 * The job's input travels with the tracker's callback URL and token, so the
 * handler on the GPU reports progress and completes through the callbacks.
 */
import { z } from "zod";
import type { CallbackCredentials, JsonValue } from "../protocol";

export const RunAnswer = z.object({ id: z.string().min(1) });

/** What the handler on the GPU receives as its `input`. */
export interface PushedJobInput {
  job_id: string;
  kind: string;
  attempt: number;
  input: JsonValue;
  callback: CallbackCredentials;
}

export type RunOutcome = { ok: true; runId: string } | { ok: false; error: string };

const headers = (key: string | undefined) => ({
  "content-type": "application/json",
  ...(key ? { authorization: `Bearer ${key}` } : {}),
});

/** Asks one endpoint to run the job; a network error, a non-2xx answer, a bad answer or a timeout is a failure. */
export async function startRun(endpoint: string, job: PushedJobInput, timeoutMs: number, key?: string): Promise<RunOutcome> {
  try {
    const res = await fetch(`${endpoint}/run`, {
      method: "POST",
      headers: headers(key),
      body: JSON.stringify({ input: job }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) return { ok: false, error: `HTTP ${res.status} from ${endpoint}/run` };
    const answer = RunAnswer.safeParse(body);
    return answer.success ? { ok: true, runId: answer.data.id } : { ok: false, error: `${endpoint}/run answered without an id` };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { ok: false, error: timedOut ? `${endpoint}/run timed out after ${timeoutMs} ms` : `${endpoint}/run: ${(err as Error).message}` };
  }
}

/** Asks the provider to stop a run; true when it answered 2xx. */
export async function cancelRun(endpoint: string, runId: string, timeoutMs: number, key?: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/cancel/${encodeURIComponent(runId)}`, {
      method: "POST",
      headers: headers(key),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
