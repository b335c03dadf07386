/**
 * The customer's backend's client of the tracker (an API key, sk_...):
 * create jobs (with an Idempotency-Key, so a retried create never makes a
 * second job), read, list, cancel and retry them, mint viewer tokens for
 * browsers, read stats. Answers are validated against the shared protocol.
 * Reads and keyed creates are retried on network errors and 5xx; other
 * writes are sent once, since repeating them is not safe.
 */
import {
  CallbackCredentials,
  CreateJobResponse,
  DEFAULT_RETRY,
  JobResponse,
  ListJobsResponse,
  sendWithRetry,
  StatsResponse,
  ViewerTokenResponse,
  type CancelJobBody,
  type CreateJobRequest,
  type ListJobsQuery,
  type RetryPolicy,
  type ViewerTokenBody,
} from "@export-tracker/protocol";
import type * as z from "zod/mini";
import { TrackerError } from "./tracker-error";

export interface TrackerClientOptions {
  /** The tracker, e.g. "https://tracker.example.com". */
  baseUrl: string;
  /** A client API key (sk_...). Keep it on the server: browsers get viewer tokens. */
  apiKey: string;
  retry?: Partial<RetryPolicy>;
}

interface Call {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to send again after a network error or 5xx. */
  repeatable: boolean;
}

export class TrackerClient {
  private readonly baseUrl: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: TrackerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Creates a job; the same `idempotencyKey` always answers the same job (and makes the create safe to retry). */
  createJob(body: CreateJobRequest, options: { idempotencyKey?: string } = {}): Promise<CreateJobResponse> {
    const key = options.idempotencyKey;
    const headers: Record<string, string> = key === undefined ? {} : { "idempotency-key": key };
    return this.call(CreateJobResponse, { method: "POST", path: "/api/jobs", body, headers, repeatable: key !== undefined });
  }

  getJob(jobId: string): Promise<JobResponse> {
    return this.call(JobResponse, { method: "GET", path: `/api/jobs/${encodeURIComponent(jobId)}`, repeatable: true });
  }

  /** One page of the owner's jobs, newest first; pass `next_cursor` back as `cursor` for the next. */
  listJobs(query: ListJobsQuery = {}): Promise<ListJobsResponse> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const search = params.size > 0 ? `?${params}` : "";
    return this.call(ListJobsResponse, { method: "GET", path: `/api/jobs${search}`, repeatable: true });
  }

  cancelJob(jobId: string, body: CancelJobBody = {}): Promise<JobResponse> {
    const path = `/api/jobs/${encodeURIComponent(jobId)}/cancel`;
    return this.call(JobResponse, { method: "POST", path, body, repeatable: false });
  }

  /** Starts a failed or canceled job again as a new attempt; answers its callback credentials. */
  retryJob(jobId: string): Promise<CreateJobResponse> {
    const path = `/api/jobs/${encodeURIComponent(jobId)}/retry`;
    return this.call(CreateJobResponse, { method: "POST", path, repeatable: false });
  }

  /** The current attempt's callback URL and token, to hand to a GPU worker. */
  callback(jobId: string): Promise<CallbackCredentials> {
    const path = `/api/jobs/${encodeURIComponent(jobId)}/callback`;
    return this.call(CallbackCredentials, { method: "GET", path, repeatable: true });
  }

  /** A short-lived read-only token for a browser: one job's (`job_id`) or all the owner's jobs. */
  viewerToken(body: ViewerTokenBody = {}): Promise<ViewerTokenResponse> {
    return this.call(ViewerTokenResponse, { method: "POST", path: "/api/viewer-tokens", body, repeatable: true });
  }

  stats(): Promise<StatsResponse> {
    return this.call(StatsResponse, { method: "GET", path: "/api/stats", repeatable: true });
  }

  private async call<S extends z.ZodMiniType>(schema: S, call: Call): Promise<z.output<S>> {
    const what = `${call.method} ${call.path.split("?")[0]}`;
    const text = call.body === undefined ? undefined : JSON.stringify(call.body);
    const init = (): RequestInit => ({
      method: call.method,
      headers: {
        authorization: `Bearer ${this.options.apiKey}`,
        ...(text === undefined ? {} : { "content-type": "application/json" }),
        ...call.headers,
      },
      body: text,
    });
    const policy = call.repeatable ? this.retry : { ...this.retry, tries: 1 };
    const giveUp = (message: string) => new TrackerError(message, null, null);
    let res: Response;
    try {
      res = await sendWithRetry(what, `${this.baseUrl}${call.path}`, init, policy, undefined, giveUp);
    } catch (err) {
      throw err instanceof TrackerError ? err : giveUp(`${what}: ${String(err)}`);
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) throw TrackerError.fromAnswer(what, res.status, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new TrackerError(`${what}: the answer does not fit the protocol`, res.status, null);
    return parsed.data;
  }
}
