/**
 * Every route of the API as the OpenAPI document describes it, with the same
 * zod schemas the routes validate with and answer in. A test compares this
 * list with the app's routes, so a new route without an entry fails it.
 */
import { z } from "zod";
import {
  BatchActionResponse,
  BatchQuery,
  BatchResponse,
  BatchServerMessage,
  CallbackAnswer,
  CallbackCredentials,
  CancelJobBody,
  CompleteReport,
  CreateBatchBody,
  CreateBatchResponse,
  CreateJobBody,
  CreateJobResponse,
  CreateWebhookBody,
  DeliveryList,
  DeliveryLogQuery,
  ErrorReport,
  EventLogQuery,
  EventLogResponse,
  ChannelServerMessage,
  FeedMessage,
  JobSocketMessage,
  LogPage,
  LogQuery,
  LogReport,
  PreviewQuery,
  JobResponse,
  LeaseRequest,
  LeaseResponse,
  ListBatchesQuery,
  ListBatchesResponse,
  ListJobsQuery,
  ListJobsResponse,
  OutputQuery,
  ProgressReport,
  queryInteger,
  ReleaseReport,
  ServerMessage,
  SessionBody,
  SessionResponse,
  UpdateWebhookBody,
  WebhookEndpoint,
  WebhookWithSecret,
  StatsResponse,
  ViewerTokenBody,
  ViewerTokenResponse,
} from "../protocol";

/** Who may call: the schemes of components.securitySchemes (any one of the list). */
export type Credential = "apiKey" | "viewerToken" | "workerKey" | "callbackToken" | "sessionCookie";

export interface Answer {
  description: string;
  /** A named component and its schema; none for empty or binary answers. */
  schema?: [name: string, schema: z.core.$ZodType];
  /** The media type when it is not JSON. */
  mediaType?: string;
}

export interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form: `{id}` for Hono's `:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  security: Credential[];
  query?: z.core.$ZodType;
  headers?: { name: string; description: string }[];
  body?: { schema: z.core.$ZodType; optional?: boolean } | { binary: string };
  responses: Record<number, Answer>;
}

const jobId = "/api/jobs/{id}";
const callbacks = `${jobId}/callbacks`;
const reader: Credential[] = ["apiKey", "viewerToken", "sessionCookie"];
const owner: Credential[] = ["apiKey", "sessionCookie"];
const webhookId = "/api/webhooks/{id}";
const JobSecret = z.object({ secret: z.string(), previous_secret_expires_at: z.string().nullable() });
const WebhookList = z.object({ webhooks: z.array(WebhookEndpoint) });
const WebhookAnswer = z.object({ webhook: WebhookEndpoint });
const answered = (description: string): Record<number, Answer> => ({
  200: { description, schema: ["CallbackAnswer", CallbackAnswer] },
});
const SocketQuery = z.object({
  token: z.string().max(4096).optional().describe("A viewer token (browsers cannot set headers on a WebSocket)."),
  since: z.optional(queryInteger(0, Number.MAX_SAFE_INTEGER)).describe("Resume after this event seq instead of a snapshot (decimal digits)."),
});
const JobSocketQuery = SocketQuery.extend({
  logs: z.enum(["0", "1"]).optional().describe("`1`: also send the job's log lines (`job:log`)."),
  logs_since: z.coerce.number().int().min(0).optional().describe("With `logs=1`: the lines after this `log_seq` instead of the tail."),
});

export const OPERATIONS: Operation[] = [
  { method: "get", path: "/health", tag: "Service", summary: "Liveness", security: [], responses: { 200: { description: "`{\"ok\": true}`" } } },
  { method: "get", path: "/api/openapi.json", tag: "Service", summary: "This document", security: [], responses: { 200: { description: "OpenAPI 3.1" } } },
  {
    method: "get", path: "/api/stats", tag: "Service", summary: "The owner's job counts and dispatch queue", security: reader,
    responses: { 200: { description: "Counts by status; queue depth, leases and GPU endpoint health", schema: ["StatsResponse", StatsResponse] } },
  },
  {
    method: "post", path: "/api/viewer-tokens", tag: "Viewer tokens", summary: "Mint a read-only token for a browser",
    description: "With `job_id` the token reads that job only; with `batch_id`, that batch, its socket and its member jobs; without either, all of the owner's jobs and the owner feed.",
    security: ["apiKey"], body: { schema: ViewerTokenBody },
    responses: { 200: { description: "The token and when it expires", schema: ["ViewerTokenResponse", ViewerTokenResponse] } },
  },
  {
    method: "post", path: "/api/jobs", tag: "Jobs", summary: "Create a job", security: ["apiKey"],
    headers: [{ name: "Idempotency-Key", description: "1-255 visible ASCII characters: the same key always answers the same job (`Idempotent-Replayed: true`)." }],
    body: { schema: CreateJobBody },
    responses: { 201: { description: "The job and its first attempt's callback credentials", schema: ["CreateJobResponse", CreateJobResponse] } },
  },
  {
    method: "get", path: "/api/jobs", tag: "Jobs", summary: "List the owner's jobs, newest first", security: reader, query: ListJobsQuery,
    responses: { 200: { description: "One page; pass `next_cursor` as `cursor` for the next", schema: ["ListJobsResponse", ListJobsResponse] } },
  },
  {
    method: "get", path: jobId, tag: "Jobs", summary: "Read a job", security: reader,
    responses: { 200: { description: "The job with its input and a fresh download link when completed", schema: ["JobResponse", JobResponse] } },
  },
  {
    method: "get", path: `${jobId}/events`, tag: "Jobs", summary: "The job's event log (the last 1,000 events), oldest first", security: reader, query: EventLogQuery,
    responses: { 200: { description: "A page of events; ask again with `next_since` for the next", schema: ["EventLogResponse", EventLogResponse] } },
  },
  {
    method: "get", path: `${jobId}/deliveries`, tag: "Webhooks", summary: "The webhook deliveries of one job, with every attempt", security: owner, query: DeliveryLogQuery,
    responses: { 200: { description: "Newest first", schema: ["DeliveryList", DeliveryList] } },
  },
  {
    method: "get", path: `${jobId}/callback`, tag: "Jobs", summary: "The current attempt's callback credentials", security: ["apiKey"],
    responses: { 200: { description: "URL, token and attempt to hand to a GPU worker", schema: ["CallbackCredentials", CallbackCredentials] } },
  },
  {
    method: "post", path: `${jobId}/cancel`, tag: "Jobs", summary: "Cancel a job", security: ["apiKey"], body: { schema: CancelJobBody, optional: true },
    responses: { 200: { description: "The canceled job", schema: ["JobResponse", JobResponse] } },
  },
  {
    method: "post", path: `${jobId}/retry`, tag: "Jobs", summary: "Retry a failed or canceled job as a new attempt", security: ["apiKey"],
    responses: { 200: { description: "The job and the new attempt's callback credentials", schema: ["CreateJobResponse", CreateJobResponse] } },
  },
  {
    method: "get", path: `${jobId}/download`, tag: "Jobs", summary: "Download the output",
    description: "With `expires` and `sig` (a signed link from the job's `download.url`) no other credential is needed, and `Range` is honoured; with an API key or viewer token, a redirect to a fresh signed link.",
    security: [], responses: { 200: { description: "The output's bytes", mediaType: "application/octet-stream" }, 206: { description: "A range of them" }, 302: { description: "To a fresh signed link" } },
  },
  {
    method: "get", path: `${jobId}/ws`, tag: "Live", summary: "Follow a job over a WebSocket", security: reader, query: JobSocketQuery,
    description: "A snapshot (`job:snapshot`) first, then every event (`job:*`), each carrying the whole job and its `seq`; beside them `job:preview` and, with `logs=1`, `job:log` (no seq). Send `{\"type\":\"job:sync\",\"since\":N}` to resume; `ping` is answered `pong`.",
    responses: { 101: { description: "Switching protocols; the messages are JobSocketMessage (ServerMessage, job:log, job:preview)", schema: ["JobSocketMessage", JobSocketMessage] } },
  },
  {
    method: "get", path: `${jobId}/logs`, tag: "Jobs", summary: "The job's log lines, oldest first (the last 2,000)", security: reader, query: LogQuery,
    responses: { 200: { description: "A page; ask again with `since=next_since` until it is null", schema: ["LogPage", LogPage] } },
  },
  {
    method: "get", path: `${jobId}/preview`, tag: "Jobs", summary: "The job's newest preview frame, by the signed link of `job:preview`",
    security: [], responses: { 200: { description: "The image", mediaType: "image/*" }, 403: { description: "An expired or tampered link" } },
  },
  {
    method: "get", path: "/api/feed/ws", tag: "Live", summary: "Follow all of the owner's jobs over a WebSocket", security: ["viewerToken"], query: SocketQuery,
    responses: { 101: { description: "Switching protocols; the messages are FeedMessage (`feed:job`: a job's list row; `feed:batch`: a batch's)", schema: ["FeedMessage", FeedMessage] } },
  },
  {
    method: "post", path: "/api/batches", tag: "Batches", summary: "Create up to 500 jobs at once as one batch", security: ["apiKey"],
    description: "All or nothing: an invalid item makes the whole request 400 naming its index, and nothing is created. Counts as one request against the creation limit's burst plus one per job against its per-minute budget.",
    headers: [{ name: "Idempotency-Key", description: "1-255 visible ASCII characters: the same key and body always answer the same batch and jobs." }],
    body: { schema: CreateBatchBody },
    responses: { 201: { description: "The batch and its jobs in the order given, each as POST /api/jobs answers it", schema: ["CreateBatchResponse", CreateBatchResponse] } },
  },
  {
    method: "get", path: "/api/batches", tag: "Batches", summary: "List the owner's batches, newest first", security: reader, query: ListBatchesQuery,
    description: "From the D1 mirror of the batches' objects (status changes at once, progress within MIRROR_INTERVAL_MS). An owner-scoped viewer token may read it; a job- or batch-scoped one may not.",
    responses: { 200: { description: "A page of list rows and `next_cursor`", schema: ["ListBatchesResponse", ListBatchesResponse] } },
  },
  {
    method: "get", path: "/api/batches/{id}/deliveries", tag: "Webhooks", summary: "The webhook deliveries of one batch (batch.completed / batch.finished)", security: owner, query: DeliveryLogQuery,
    responses: { 200: { description: "Newest first", schema: ["DeliveryList", DeliveryList] } },
  },
  {
    method: "get", path: "/api/batches/{id}", tag: "Batches", summary: "Read a batch: the aggregate and a page of its members", security: reader, query: BatchQuery,
    responses: { 200: { description: "The batch, its members in order, and `next_cursor`", schema: ["BatchResponse", BatchResponse] } },
  },
  {
    method: "post", path: "/api/batches/{id}/cancel", tag: "Batches", summary: "Cancel every unfinished member", security: ["apiKey"], body: { schema: CancelJobBody, optional: true },
    responses: { 200: { description: "The batch after it, and how many members were canceled", schema: ["BatchActionResponse", BatchActionResponse] } },
  },
  {
    method: "post", path: "/api/batches/{id}/retry", tag: "Batches", summary: "Retry every failed member", security: ["apiKey"],
    responses: { 200: { description: "The batch after it, and how many members were retried", schema: ["BatchActionResponse", BatchActionResponse] } },
  },
  {
    method: "get", path: "/api/batches/{id}/ws", tag: "Live", summary: "Follow a batch over a WebSocket", security: reader, query: SocketQuery,
    description: "A snapshot (`batch:snapshot`, the batch and every member) first, then `batch:job`, `batch:progress`, `batch:completed` and `batch:finished`, each with the batch's own `seq` and the whole aggregate. Send `{\"type\":\"batch:sync\",\"since\":N}` to resume; `ping` is answered `pong`.",
    responses: { 101: { description: "Switching protocols; the messages are BatchServerMessage", schema: ["BatchServerMessage", BatchServerMessage] } },
  },
  {
    method: "post", path: `${callbacks}/progress`, tag: "Callbacks", summary: "Report progress", security: ["callbackToken"],
    body: { schema: ProgressReport }, responses: answered("Accepted, or refused with `ok: false`; `canceled: true` means stop"),
  },
  { method: "post", path: `${callbacks}/heartbeat`, tag: "Callbacks", summary: "Say the worker is alive", security: ["callbackToken"], responses: answered("As for progress") },
  {
    method: "put", path: `${callbacks}/output`, tag: "Callbacks", summary: "Upload the output (one PUT with Content-Length)", security: ["callbackToken"],
    query: OutputQuery, body: { binary: "The output's bytes; Content-Type is kept for the download" }, responses: answered("Stored"),
  },
  {
    method: "post", path: `${callbacks}/log`, tag: "Callbacks", summary: "Send log lines (1-100, each cut at 2 KiB)", security: ["callbackToken"],
    body: { schema: LogReport }, responses: answered("Stored; 429 `log_rate_limited` past the job's rate"),
  },
  {
    method: "put", path: `${callbacks}/preview`, tag: "Callbacks", summary: "Upload a preview frame (PNG, JPEG, WebP or GIF, at most 512 KiB)", security: ["callbackToken"],
    query: PreviewQuery, body: { binary: "The image, with Content-Length" }, responses: answered("Shown to browsers as `job:preview`"),
  },
  {
    method: "get", path: `${callbacks}/ws`, tag: "Callbacks", summary: "The worker channel: one acknowledged WebSocket per attempt", security: ["callbackToken"],
    description: "Send ChannelReport frames (each with an `id`); each is answered `ack` or `refused` once committed. `canceled` is pushed the moment the job is canceled; close codes 4001 superseded, 4002 finished, 4003 canceled, 4004 replaced.",
    responses: {
      101: { description: "Switching protocols; the worker sends ChannelReport, the object ChannelServerMessage", schema: ["ChannelServerMessage", ChannelServerMessage] },
      409: { description: "The attempt can no longer report (`stale_attempt`, `job_canceled`, `job_finished`)" },
    },
  },
  {
    method: "post", path: `${callbacks}/complete`, tag: "Callbacks", summary: "Complete the job", security: ["callbackToken"],
    body: { schema: CompleteReport, optional: true }, responses: answered("Completed"),
  },
  {
    method: "post", path: `${callbacks}/error`, tag: "Callbacks", summary: "Fail the attempt", security: ["callbackToken"],
    description: "`retryable: true` re-queues the job as a new attempt while attempts remain.",
    body: { schema: ErrorReport }, responses: answered("Failed or re-queued"),
  },
  {
    method: "post", path: `${callbacks}/release`, tag: "Callbacks", summary: "Hand the job back (e.g. on SIGTERM)", security: ["callbackToken"],
    description: "The job is queued again at once as a new attempt that costs none (`max_attempts` grows by one); this attempt's token is refused from then on.",
    body: { schema: ReleaseReport, optional: true }, responses: answered("Re-queued"),
  },
  {
    method: "post", path: "/api/webhooks", tag: "Webhooks", summary: "Register a webhook endpoint", security: owner, body: { schema: CreateWebhookBody },
    description: "https only (loopback too when ALLOW_LOOPBACK_WEBHOOKS=true). `events` defaults to every type but `job.progress`.",
    responses: { 201: { description: "The endpoint and its signing secret (`whsec_...`), shown once", schema: ["WebhookWithSecret", WebhookWithSecret] } },
  },
  { method: "get", path: "/api/webhooks", tag: "Webhooks", summary: "The owner's webhook endpoints", security: owner, responses: { 200: { description: "Every endpoint", schema: ["WebhookList", WebhookList] } } },
  {
    method: "get", path: "/api/webhooks/job-secret", tag: "Webhooks", summary: "The secret that signs jobs' own webhooks (`webhook` at creation)", security: owner,
    responses: { 200: { description: "The owner's job-webhook secret", schema: ["JobWebhookSecret", JobSecret] } },
  },
  {
    method: "post", path: "/api/webhooks/job-secret/rotate", tag: "Webhooks", summary: "Rotate the job-webhook secret (the old one signs too for 24 h)", security: owner,
    responses: { 200: { description: "The new secret", schema: ["JobWebhookSecret", JobSecret] } },
  },
  {
    method: "post", path: "/api/webhooks/deliveries/{id}/redeliver", tag: "Webhooks", summary: "Send a delivery again (same webhook-id, a new attempt)", security: owner,
    responses: { 202: { description: "Queued" }, 409: { description: "Automatic retries are still pending (`delivery_in_progress`)" } },
  },
  { method: "get", path: webhookId, tag: "Webhooks", summary: "Read an endpoint", security: owner, responses: { 200: { description: "The endpoint", schema: ["WebhookAnswer", WebhookAnswer] } } },
  {
    method: "patch", path: webhookId, tag: "Webhooks", summary: "Change an endpoint's url, events, description or enabled", security: owner, body: { schema: UpdateWebhookBody },
    responses: { 200: { description: "The endpoint", schema: ["WebhookAnswer", WebhookAnswer] } },
  },
  { method: "delete", path: webhookId, tag: "Webhooks", summary: "Remove an endpoint", security: owner, responses: { 204: { description: "Removed" } } },
  {
    method: "post", path: `${webhookId}/rotate-secret`, tag: "Webhooks", summary: "Rotate an endpoint's secret (the old one signs too for 24 h)", security: owner,
    responses: { 200: { description: "The endpoint and its new secret, shown once", schema: ["WebhookWithSecret", WebhookWithSecret] } },
  },
  {
    method: "get", path: `${webhookId}/deliveries`, tag: "Webhooks", summary: "An endpoint's deliveries, with every attempt", security: owner, query: DeliveryLogQuery,
    responses: { 200: { description: "Newest first", schema: ["DeliveryList", DeliveryList] } },
  },
  {
    method: "post", path: "/api/session", tag: "Console", summary: "Sign in: exchange an API key for a session cookie", security: [], body: { schema: SessionBody },
    description: "Sets `tracker_session` (HttpOnly, SameSite=Strict, Secure except on localhost), valid up to 12 h and refused once its key is revoked. The browser never stores the key.",
    responses: { 201: { description: "Who is signed in, until when", schema: ["SessionResponse", SessionResponse] } },
  },
  { method: "get", path: "/api/session", tag: "Console", summary: "Who is signed in", security: ["sessionCookie"], responses: { 200: { description: "The session", schema: ["SessionResponse", SessionResponse] } } },
  { method: "delete", path: "/api/session", tag: "Console", summary: "Sign out", security: [], responses: { 204: { description: "The cookie is cleared" } } },
  {
    method: "get", path: "/api/session/dev-key", tag: "Console", summary: "The local dev key, to fill in the sign-in form (DEMO_MODE on loopback only)", security: [],
    responses: { 200: { description: "`{\"api_key\": ...}`" }, 404: { description: "Anywhere else" } },
  },
  {
    method: "post", path: "/api/worker/lease", tag: "Workers", summary: "Lease the next job (pull mode, long-poll)", security: ["workerKey"],
    body: { schema: LeaseRequest },
    responses: { 200: { description: "A job and its attempt's callback credentials", schema: ["LeaseResponse", LeaseResponse] }, 204: { description: "No job came within `wait_seconds`" } },
  },
];
