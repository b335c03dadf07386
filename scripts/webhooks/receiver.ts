/**
 * A webhook receiver in a few lines: the README's example, and what
 * `npm run webhooks:listen` runs (so the example cannot drift).
 */
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

/** What every webhook carries (the full type is WebhookPayload in @export-tracker/protocol). */
export type WebhookEvent = {
  type: string; // job.* carries data.job, batch.* data.batch
  timestamp: string;
  data: { seq: number; job?: { id: string; status: string }; batch?: { id: string; status: string } };
};

/** Verifies each request with the endpoint's secret, hands it on and answers 204; a bad signature gets 401. */
export function webhookReceiver(secret: string, onEvent: (event: WebhookEvent, webhookId: string) => void) {
  const webhook = new Webhook(secret);
  return createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    try {
      const event = webhook.verify(body, req.headers as Record<string, string>) as WebhookEvent;
      onEvent(event, String(req.headers["webhook-id"])); // dedupe by webhook-id; skip a seq lower than one you have
      res.writeHead(204).end();
    } catch (err) {
      res.writeHead(401).end(String(err));
    }
  });
}
