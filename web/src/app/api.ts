/**
 * The console's calls to the tracker's API: the same routes every client
 * uses, authenticated by the session cookie the browser sends by itself
 * (same origin). A 401 anywhere means the session ended: the app is told,
 * and shows the sign-in again.
 */
import {
  BatchResponse,
  CreateBatchResponse,
  CreateJobResponse,
  ErrorBody,
  EventLogResponse,
  JobWithInput,
  ListBatchesResponse,
  ListJobsResponse,
  StatsResponse,
  type JobEvent,
} from "@export-tracker/protocol";
import type { ListFilters } from "./list-filters";

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fired on window when the API answers 401: the session is over. */
export const SESSION_LOST = "console:session-lost";

export async function call<T>(path: string, init: RequestInit, parse: (body: unknown) => T): Promise<T> {
  const response = await fetch(path, { credentials: "same-origin", ...init });
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = ErrorBody.safeParse(body);
    const failure = new ApiRequestError(
      response.status,
      error.success ? error.data.error.code : "http_error",
      error.success ? error.data.error.message : `request failed with ${response.status}`,
    );
    if (response.status === 401 && !path.startsWith("/api/session")) {
      dispatchEvent(new CustomEvent(SESSION_LOST, { detail: failure.message }));
    }
    throw failure;
  }
  return parse(body);
}

export const post = (body?: unknown, method = "POST"): RequestInit => ({
  method,
  headers: body === undefined ? {} : { "content-type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

const jobPath = (id: string) => `/api/jobs/${encodeURIComponent(id)}`;

/** Starts a pull job, so a worker that leases (the dev agent) runs it. */
export async function createJob(kind: string, input: unknown): Promise<CreateJobResponse> {
  return call("/api/jobs", post({ kind, input, dispatch: "pull" }), (b) => CreateJobResponse.parse(b));
}

export async function cancelJob(id: string, reason: string): Promise<void> {
  await call(`${jobPath(id)}/cancel`, post(reason ? { reason } : {}), () => undefined);
}

export async function retryJob(id: string): Promise<void> {
  await call(`${jobPath(id)}/retry`, post(), () => undefined);
}

/** The job with its input; null when it does not exist or is not the owner's (both 404). */
export async function getJob(id: string): Promise<JobWithInput | null> {
  try {
    return await call(jobPath(id), {}, (b) => JobWithInput.parse((b as { job: unknown }).job));
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 404) return null;
    throw err;
  }
}

/** Every stored event after `since`, oldest first, following the pages. */
export async function jobEvents(id: string, since: number): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for (let next: number | null = since; next !== null; ) {
    const page: EventLogResponse = await call(`${jobPath(id)}/events?since=${next}&limit=500`, {}, (b) => EventLogResponse.parse(b));
    events.push(...page.events);
    next = page.next_since;
  }
  return events;
}

/** One page of the owner's jobs matching `filters`. */
export async function listJobs(filters: ListFilters, cursor: string | null): Promise<ListJobsResponse> {
  const query = new URLSearchParams({ limit: "25" });
  if (filters.status) query.set("status", filters.status);
  if (filters.kind) query.set("kind", filters.kind);
  if (filters.q) query.set("q", filters.q);
  if (cursor) query.set("cursor", cursor);
  return call(`/api/jobs?${query}`, {}, (b) => ListJobsResponse.parse(b));
}

export async function stats(): Promise<StatsResponse> {
  return call("/api/stats", {}, (b) => StatsResponse.parse(b));
}

const batchPath = (id: string) => `/api/batches/${encodeURIComponent(id)}`;

/** The batch with all its members (up to 500, one page); null when it does not exist or is not the owner's. */
export async function getBatch(id: string): Promise<BatchResponse | null> {
  try {
    return await call(`${batchPath(id)}?limit=500`, {}, (b) => BatchResponse.parse(b));
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 404) return null;
    throw err;
  }
}

/** One page of the owner's batches, newest first. */
export async function listBatches(cursor: string | null): Promise<ListBatchesResponse> {
  const query = new URLSearchParams({ limit: "10" });
  if (cursor) query.set("cursor", cursor);
  return call(`/api/batches?${query}`, {}, (b) => ListBatchesResponse.parse(b));
}

/** Starts one batch of pull jobs of `kind`, one per input. */
export async function createBatch(kind: string, inputs: unknown[]): Promise<CreateBatchResponse> {
  const jobs = inputs.map((input) => ({ kind, input, dispatch: "pull" }));
  return call("/api/batches", post({ jobs }), (b) => CreateBatchResponse.parse(b));
}

export async function cancelBatch(id: string): Promise<void> {
  await call(`${batchPath(id)}/cancel`, post({}), () => undefined);
}

export async function retryBatch(id: string): Promise<void> {
  await call(`${batchPath(id)}/retry`, post(), () => undefined);
}
