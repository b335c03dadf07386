/**
 * The auth seam: the only module of the pages that deals with credentials.
 *
 * The page never holds the API key. It asks its backend (here the demo
 * backend under /api/demo, standing in for the customer's server) for
 * short-lived read-only viewer tokens, and sends writes (create, cancel,
 * retry) through that backend. Reads go to the tracker's API with the token.
 */
import {
  ErrorBody,
  ListJobsResponse,
  ViewerTokenResponse,
  type Job,
  type JobStatus,
} from "@export-tracker/protocol";

/** Renew a token this long before it expires. */
const RENEW_MARGIN_MS = 60_000;
let session: Promise<ViewerTokenResponse> | null = null;

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit, parse: (body: unknown) => T): Promise<T> {
  const response = await fetch(path, init);
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = ErrorBody.safeParse(body);
    throw new ApiRequestError(
      response.status,
      error.success ? error.data.error.code : "http_error",
      error.success ? error.data.error.message : `request failed with ${response.status}`,
    );
  }
  return parse(body);
}

const post = (body?: unknown): RequestInit => ({
  method: "POST",
  headers: body === undefined ? {} : { "content-type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

/** An owner-scoped viewer token, renewed shortly before it expires. */
export async function viewerToken(): Promise<string> {
  const current = session && (await session.catch(() => null));
  if (!current || Date.parse(current.expires_at) - Date.now() < RENEW_MARGIN_MS) {
    session = call("/api/demo/session", post(), (b) => ViewerTokenResponse.parse(b));
  }
  return (await session!).token;
}

/** Starts a job through the backend. */
export async function createJob(kind: string, input: unknown): Promise<Job> {
  return call("/api/demo/jobs", post({ kind, input }), (b) => (b as { job: Job }).job);
}

export async function cancelJob(id: string): Promise<void> {
  await call(`/api/demo/jobs/${encodeURIComponent(id)}/cancel`, post(), () => undefined);
}

export async function retryJob(id: string): Promise<void> {
  await call(`/api/demo/jobs/${encodeURIComponent(id)}/retry`, post(), () => undefined);
}

/** One page of the owner's jobs, read with the viewer token. */
export async function listJobs(status: JobStatus | null, cursor: string | null): Promise<ListJobsResponse> {
  const query = new URLSearchParams({ limit: "20" });
  if (status) query.set("status", status);
  if (cursor) query.set("cursor", cursor);
  const init = { headers: { authorization: `Bearer ${await viewerToken()}` } };
  return call(`/api/jobs?${query}`, init, (b) => ListJobsResponse.parse(b));
}
