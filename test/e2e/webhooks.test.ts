/**
 * Webhooks end to end: a real `wrangler dev` (loopback receivers allowed),
 * the real `npm run webhooks:listen` receiver (registering itself), and a
 * job run to completion through the HTTP callbacks. Every event must arrive
 * verified, in seq order; a forged request is refused.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateJobResponse, type Delivery } from "../../workers/protocol";
import { startDevServer, type DevServer } from "./dev-server";

const ROOT = join(import.meta.dirname, "../..");
let server: DevServer;
let listener: ChildProcess;
let listenerLog = "";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen; listener said:\n${listenerLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const headers = () => ({ authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" });
const post = (path: string, body: unknown, auth: Record<string, string> = headers()) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) });

/** The listener's event lines: type, job and seq. */
const verifiedLines = () =>
  [...listenerLog.matchAll(/ (job\.\w+) +(job_\w+) +seq (\d+) .* verified$/gm)].map((m) => ({ type: m[1]!, job: m[2]!, seq: Number(m[3]) }));

beforeAll(async () => {
  server = await startDevServer({ vars: { ALLOW_LOOPBACK_WEBHOOKS: "true" } });
}, 90_000);

afterAll(async () => {
  if (listener && listener.exitCode === null) listener.kill("SIGKILL");
  await server?.stop();
});

describe("webhooks against wrangler dev and webhooks:listen", () => {
  it("deliver created, started and completed of a job run to completion, in seq order, each verified", async () => {
    const port = await freePort();
    // --register: the listener makes its own endpoint with the API key, as the README shows.
    listener = spawn(
      join(ROOT, "node_modules/.bin/tsx"),
      ["scripts/webhooks-listen.ts", "--register", "--url", server.url, "--port", String(port)],
      { cwd: ROOT, env: { ...process.env, API_KEY: server.apiKey } },
    );
    listener.stdout!.on("data", (chunk) => (listenerLog += chunk));
    listener.stderr!.on("data", (chunk) => (listenerLog += chunk));
    await until("listening", () => (listenerLog.includes("listening on") ? true : undefined));
    const webhookId = /registered (wh_\w+)/.exec(listenerLog)![1]!;

    const created = CreateJobResponse.parse(await (await post("/api/jobs", { kind: "e2e.hooks", input: { n: 1 } })).json());
    const worker = { authorization: `Bearer ${created.callback.token}`, "content-type": "application/json" };
    expect((await post(`/api/jobs/${created.job.id}/callbacks/progress`, { percent: 50 }, worker)).status).toBe(200);
    expect((await post(`/api/jobs/${created.job.id}/callbacks/complete`, {}, worker)).status).toBe(200);

    const lines = await until("three verified events", () => {
      const mine = verifiedLines().filter((l) => l.job === created.job.id);
      return mine.length >= 3 ? mine : undefined;
    });
    expect(lines.map((l) => l.type)).toEqual(["job.created", "job.started", "job.completed"]);
    expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => a - b));

    const log = await fetch(`${server.url}/api/webhooks/${webhookId}/deliveries`, { headers: headers() });
    const { deliveries } = (await log.json()) as { deliveries: Delivery[] };
    expect(deliveries.map((d) => [d.event_type, d.status, d.attempts[0]?.status_code])).toEqual([
      ["job.completed", "delivered", 204],
      ["job.started", "delivered", 204],
      ["job.created", "delivered", 204],
    ]);

    // A request that was not signed with the endpoint's secret is refused and said so.
    const forged = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: { "webhook-id": "msg_forged", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,Zm9yZ2Vk" },
      body: JSON.stringify({ type: "job.completed", data: {} }),
    });
    expect(forged.status).toBe(401);
    await until("the rejection", () => (listenerLog.includes("bad signature") ? true : undefined));

    // Ctrl-C removes the endpoint it registered.
    listener.kill("SIGINT");
    await until("the endpoint's removal", () => (listener.exitCode !== null ? true : undefined));
    const left = (await (await fetch(`${server.url}/api/webhooks`, { headers: headers() })).json()) as { webhooks: unknown[] };
    expect(left.webhooks).toEqual([]);
  }, 60_000);

  it("shows the receiver the README shows", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const receiver = readFileSync(join(ROOT, "scripts/webhooks/receiver.ts"), "utf8");
    const code = receiver.slice(receiver.indexOf("import "));
    expect(readme).toContain(code);
  });
});
