/**
 * Webhook endpoints of the caller's owner, managed with an API key: create
 * (the secret is shown once), list, read, change, delete, rotate the secret
 * (the old one signs beside the new one for 24 h), the owner's secret for
 * jobs' own webhooks, and the delivery log with redelivery. Another owner's
 * endpoints and deliveries answer 404 exactly like missing ones.
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireApiKey } from "../auth/principal";
import { endpointDeliveries, jobDeliveries, ownedDelivery, setDeliveryStatus, toDelivery } from "../db/webhook-deliveries";
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  jobWebhookSecret,
  listEndpoints,
  rotateJobWebhookSecret,
  toWebhookEndpoint,
  updateEndpoint,
} from "../db/webhook-endpoints";
import type { WebhookEndpointRow, WebhookJobSecretRow } from "../db/webhook-schema";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { jsonBody, validate } from "../http/middleware";
import { jobNotFound, jobObject, validJobId } from "../jobs/job-object";
import { CreateWebhookBody, DeliveryLogQuery, UpdateWebhookBody, type WebhookWithSecret } from "../protocol";
import { subscribedEvents } from "../webhooks/event-types";
import type { AttemptMessage } from "../webhooks/messages";
import { newWebhookSecret, SECRET_OVERLAP_MS } from "../webhooks/signing";
import { acceptedWebhookUrl } from "../webhooks/webhook-url";

const MAX_BODY = 8 * 1024;
const ENDPOINT_ID = /^wh_[0-9a-f]{32}$/;
const DELIVERY_ID = /^msg_[0-9a-f]{32}$/;

const webhookNotFound = () => new ApiError(404, "webhook_not_found", "no such webhook");
const deliveryNotFound = () => new ApiError(404, "delivery_not_found", "no such delivery");

/** The job-webhook secret as its owner sees it. */
const toJobSecret = (row: WebhookJobSecretRow, now: number) => ({
  secret: row.secret,
  previous_secret_expires_at:
    row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now ? new Date(row.previousSecretExpiresAt).toISOString() : null,
});

const newEndpointId = () => `wh_${crypto.randomUUID().replaceAll("-", "")}`;

/** The endpoint `:id` of the caller's owner, or 404. */
async function ownEndpoint(env: Env, owner: string, id: string): Promise<WebhookEndpointRow> {
  const row = ENDPOINT_ID.test(id) ? await findEndpoint(env.DB, owner, id) : undefined;
  if (!row) throw webhookNotFound();
  return row;
}

export const webhookRoutes = new Hono<AppEnv>()
  .use("*", requireApiKey)

  .post("/", jsonBody(MAX_BODY), validate("json", CreateWebhookBody), async (c) => {
    const body = c.req.valid("json");
    const now = Date.now();
    const secret = newWebhookSecret();
    const row: WebhookEndpointRow = {
      id: newEndpointId(),
      owner: c.var.owner,
      url: acceptedWebhookUrl(c.env, body.url),
      events: JSON.stringify(subscribedEvents(body.events)),
      description: body.description ?? null,
      enabled: true,
      disabledReason: null,
      secret,
      previousSecret: null,
      previousSecretExpiresAt: null,
      failingSince: null,
      createdAt: now,
      updatedAt: now,
    };
    await insertEndpoint(c.env.DB, row);
    const answer: WebhookWithSecret = { webhook: toWebhookEndpoint(row, now), secret };
    return c.json(answer, 201, { Location: `${new URL(c.req.url).origin}/api/webhooks/${row.id}` });
  })

  .get("/", async (c) => {
    const now = Date.now();
    const rows = await listEndpoints(c.env.DB, c.var.owner);
    return c.json({ webhooks: rows.map((r) => toWebhookEndpoint(r, now)) });
  })

  .get("/job-secret", async (c) => {
    const now = Date.now();
    return c.json(toJobSecret(await jobWebhookSecret(c.env.DB, c.var.owner, newWebhookSecret(), now), now));
  })

  .post("/job-secret/rotate", async (c) => {
    const now = Date.now();
    const rotated = await rotateJobWebhookSecret(c.env.DB, c.var.owner, newWebhookSecret(), now, now + SECRET_OVERLAP_MS);
    return c.json(toJobSecret(rotated, now));
  })

  .post("/deliveries/:id/redeliver", async (c) => {
    const id = c.req.param("id");
    const delivery = DELIVERY_ID.test(id) ? await ownedDelivery(c.env.DB, c.var.owner, id) : undefined;
    if (!delivery) throw deliveryNotFound();
    if (delivery.status === "pending" || (delivery.status === "failed" && delivery.nextAttemptAt !== null)) {
      const next = delivery.nextAttemptAt === null ? "now" : new Date(delivery.nextAttemptAt).toISOString();
      throw new ApiError(409, "delivery_in_progress", `the delivery is still being tried (next attempt: ${next})`);
    }
    if (delivery.endpointId !== null) {
      const endpoint = await findEndpoint(c.env.DB, c.var.owner, delivery.endpointId);
      if (!endpoint) throw new ApiError(409, "webhook_deleted", "the delivery's webhook was deleted");
      if (!endpoint.enabled) throw new ApiError(409, "webhook_disabled", "the delivery's webhook is disabled; enable it first");
    }
    const message: AttemptMessage = {
      kind: "attempt",
      delivery_id: id,
      attempt: delivery.attempts + 1,
      trigger: "redeliver",
      receiver: delivery.endpointId ?? `job:${delivery.jobId ?? delivery.batchId}`,
    };
    const pending = { status: "pending", nextAttemptAt: Date.now() } as const;
    await setDeliveryStatus(c.env.DB, id, pending);
    await c.env.WEBHOOK_QUEUE.send(message);
    // The answer says what was queued; the attempt's outcome shows in the delivery log.
    const { attempts: _log, ...queued } = toDelivery({ ...delivery, ...pending }, []);
    return c.json({ delivery: queued, attempt: message.attempt }, 202);
  })

  .get("/:id", async (c) => {
    const row = await ownEndpoint(c.env, c.var.owner, c.req.param("id"));
    return c.json({ webhook: toWebhookEndpoint(row, Date.now()) });
  })

  .patch("/:id", jsonBody(MAX_BODY), validate("json", UpdateWebhookBody), async (c) => {
    const body = c.req.valid("json");
    const row = await ownEndpoint(c.env, c.var.owner, c.req.param("id"));
    const now = Date.now();
    const set: Partial<WebhookEndpointRow> = { updatedAt: now };
    if (body.url !== undefined) set.url = acceptedWebhookUrl(c.env, body.url);
    if (body.events !== undefined) set.events = JSON.stringify(subscribedEvents(body.events));
    if (body.description !== undefined) set.description = body.description;
    if (body.enabled === true) Object.assign(set, { enabled: true, disabledReason: null, failingSince: null });
    if (body.enabled === false && row.enabled) Object.assign(set, { enabled: false, disabledReason: "disabled by its owner" });
    const updated = await updateEndpoint(c.env.DB, c.var.owner, row.id, set);
    if (!updated) throw webhookNotFound();
    return c.json({ webhook: toWebhookEndpoint(updated, now) });
  })

  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    if (!ENDPOINT_ID.test(id) || !(await deleteEndpoint(c.env.DB, c.var.owner, id))) throw webhookNotFound();
    return c.body(null, 204);
  })

  .post("/:id/rotate-secret", async (c) => {
    const row = await ownEndpoint(c.env, c.var.owner, c.req.param("id"));
    const now = Date.now();
    const secret = newWebhookSecret();
    const updated = await updateEndpoint(c.env.DB, c.var.owner, row.id, {
      secret,
      previousSecret: row.secret,
      previousSecretExpiresAt: now + SECRET_OVERLAP_MS,
      updatedAt: now,
    });
    if (!updated) throw webhookNotFound();
    const answer: WebhookWithSecret = { webhook: toWebhookEndpoint(updated, now), secret };
    return c.json(answer);
  })

  .get("/:id/deliveries", validate("query", DeliveryLogQuery), async (c) => {
    const row = await ownEndpoint(c.env, c.var.owner, c.req.param("id"));
    return c.json({ deliveries: await endpointDeliveries(c.env.DB, c.var.owner, row.id, c.req.valid("query").limit) });
  });

/** GET /api/jobs/:id/deliveries: every delivery of one of the owner's jobs. */
export const jobDeliveryRoutes = new Hono<AppEnv>().get(
  "/:id/deliveries",
  requireApiKey,
  validJobId,
  validate("query", DeliveryLogQuery),
  async (c) => {
    const job = await jobObject(c.env, c.req.param("id")).read();
    if (!job || job.owner !== c.var.owner) throw jobNotFound();
    return c.json({ deliveries: await jobDeliveries(c.env.DB, c.var.owner, job.id, c.req.valid("query").limit) });
  },
);
