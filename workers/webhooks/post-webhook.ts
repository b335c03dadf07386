/**
 * One HTTP attempt at a receiver: a POST that may take `timeoutMs`, whose
 * 2xx answer delivers. Redirects are not followed (a receiver that moved
 * must be updated by its owner) and are failures that name their Location;
 * so are other answers, network errors and timeouts. The first 1 KiB of the
 * answer is kept for the delivery log.
 */
import type { SignedHeaders } from "./signing";

export const RESPONSE_PREFIX_BYTES = 1024;

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  responseBody: string | null;
}

/** Reads at most `max` bytes of a body, then lets go of the rest. */
async function readPrefix(body: ReadableStream<Uint8Array> | null, max: number): Promise<string | null> {
  if (!body) return null;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(total, max));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  return new TextDecoder().decode(bytes);
}

function failureOf(res: Response): string | null {
  if (res.status >= 200 && res.status < 300) return null;
  if (res.status >= 300 && res.status < 400) {
    return `redirect (HTTP ${res.status}) to ${res.headers.get("location") ?? "(no Location)"} not followed`;
  }
  return `HTTP ${res.status}`;
}

/** Posts `body` to `url` with the signed headers; never throws. */
export async function postWebhook(
  url: string,
  headers: SignedHeaders,
  body: string,
  timeoutMs: number,
  clock: () => number,
): Promise<AttemptResult> {
  const started = clock();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "export-job-tracker-webhooks/1" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const responseBody = await readPrefix(res.body, RESPONSE_PREFIX_BYTES);
    const error = failureOf(res);
    return { ok: error === null, statusCode: res.status, error, latencyMs: clock() - started, responseBody };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    const error = timedOut ? `timed out after ${timeoutMs} ms` : `network error: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, statusCode: null, error, latencyMs: clock() - started, responseBody: null };
  }
}
