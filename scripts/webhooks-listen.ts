/**
 * `npm run webhooks:listen [-- --port 8788 --secret whsec_...]`: a local
 * webhook receiver for development. It verifies every request's signature
 * with the `standardwebhooks` package and prints one line per event; a
 * repeated webhook-id (a retry or a redelivery) is marked. With `--register`
 * it registers itself with a running `npm run dev` (the dev API key) and
 * removes its endpoint again on Ctrl-C. Needs ALLOW_LOOPBACK_WEBHOOKS=true
 * on the server (npm run dev sets it).
 */
import { readApiKey, expectOk, runMain, send, Stop } from "./lib/api-client";
import { parseFlags } from "./lib/flags";
import { WebhookWithSecret } from "@export-tracker/protocol";
import { webhookReceiver, type WebhookEvent } from "./webhooks/receiver";

const USAGE = `usage: npm run webhooks:listen -- [--port 8788] (--secret whsec_... | --register [--url http://localhost:8787] [--events job.created,job.completed])
  --secret     the endpoint's secret (POST /api/webhooks answers it once), or $WEBHOOK_SECRET
  --register   register http://127.0.0.1:PORT/ as an endpoint of the dev server and use its secret`;

const FLAGS = {
  port: { type: "string", default: "8788" },
  secret: { type: "string" },
  register: { type: "boolean", default: false },
  url: { type: "string", default: "http://localhost:8787" },
  events: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** One line per event: time, type, job (or batch), seq, status, webhook-id, how long after the event it arrived. */
export function eventLine(event: WebhookEvent, webhookId: string, repeat: boolean): string {
  const { seq } = event.data;
  const subject = event.data.job ?? event.data.batch ?? { id: "?", status: "?" };
  const now = Date.now();
  const lag = `+${now - Date.parse(event.timestamp)} ms`;
  const line = [new Date(now).toISOString(), event.type.padEnd(15), subject.id, `seq ${seq}`, subject.status.padEnd(9), webhookId, lag];
  return [...line, repeat ? "(repeat)" : "verified"].join("  ");
}

async function register(server: string, port: number, events: string | undefined) {
  const auth = { authorization: `Bearer ${readApiKey()}`, "content-type": "application/json" };
  const body = { url: `http://127.0.0.1:${port}/`, description: "npm run webhooks:listen", ...(events ? { events: events.split(",") } : {}) };
  const reply = await send("register", `${server}/api/webhooks`, { method: "POST", headers: auth, body: JSON.stringify(body) });
  const { webhook, secret } = expectOk("register", reply, WebhookWithSecret);
  console.log(`registered ${webhook.id} for ${webhook.events.join(", ")}`);
  const remove = () => fetch(`${server}/api/webhooks/${webhook.id}`, { method: "DELETE", headers: auth }).catch(() => {});
  return { secret, remove };
}

async function main() {
  const flags = parseFlags(FLAGS, USAGE);
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Stop(`--port must be a port number\n${USAGE}`, 2);
  const registered = flags.register ? await register(flags.url.replace(/\/+$/, ""), port, flags.events) : null;
  const secret = registered?.secret ?? flags.secret ?? process.env.WEBHOOK_SECRET;
  if (!secret) throw new Stop(`give --secret whsec_... or --register\n${USAGE}`, 2);

  const seen = new Set<string>();
  const server = webhookReceiver(secret, (event, webhookId) => {
    console.log(eventLine(event, webhookId, seen.has(webhookId)));
    seen.add(webhookId);
  });
  server.on("request", (req, res) => res.on("finish", () => res.statusCode === 401 && console.log(`rejected a request to ${req.url}: bad signature`)));
  server.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/`));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, async () => {
      await registered?.remove();
      server.close();
      process.exit(0);
    });
  }
}

runMain(main);
