import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobCanceled, WorkerClient, type JobAttempt } from "@export-tracker/worker";
import { CreateJobResponse, JobSocketMessage } from "../../workers/protocol";
import { startDevServer, type DevServer } from "./dev-server";

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

const apiHeaders = () => ({ authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" });

async function externalJob(): Promise<{ created: CreateJobResponse; attempt: JobAttempt }> {
  const res = await fetch(`${server.url}/api/jobs`, { method: "POST", headers: apiHeaders(), body: JSON.stringify({ kind: "video.render" }) });
  const created = CreateJobResponse.parse(await res.json());
  const client = new WorkerClient({ baseUrl: server.url, workerKey: server.workerKey, worker: "e2e" });
  const attempt = client.attempt({
    job: { id: created.job.id },
    callback: created.callback,
  });
  return { created, attempt };
}

/** A browser's view of the job socket, with logs. */
function watch(created: CreateJobResponse) {
  const messages: JobSocketMessage[] = [];
  // Node's WebSocket takes headers (a backend may follow a job with its API key); the DOM type does not say so.
  const NodeWebSocket = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket;
  const ws = new NodeWebSocket(`${created.links.ws}?logs=1`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  const opened = new Promise((resolve) => ws.addEventListener("open", resolve));
  ws.addEventListener("message", (e) => {
    const parsed = JobSocketMessage.safeParse(JSON.parse(String(e.data)));
    if (parsed.success) messages.push(parsed.data);
  });
  const until = async (match: (m: JobSocketMessage) => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = messages.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`not seen; got ${messages.map((m) => m.type).join(", ")}`);
  };
  return { messages, opened, until, close: () => ws.close() };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

describe("the worker channel through wrangler dev", () => {
  it("carries reports, logs and previews from the SDK to a browser socket", async () => {
    const { created, attempt } = await externalJob();
    const browser = watch(created);
    await browser.opened;
    expect(await attempt.connect()).toBe(true);
    expect(attempt.onChannel).toBe(true);
    const answer = await attempt.progress({ done: 1, total: 4, stage: "render" });
    expect(answer.seq).toBeGreaterThan(1);
    await attempt.log(["frame 1 rendered"]);
    await attempt.preview(PNG, "image/png", "frame 1");
    await browser.until((m) => m.type === "job:progress" && m.job.progress.done === 1);
    await browser.until((m) => m.type === "job:log" && m.lines.some((l) => l.text === "frame 1 rendered"));
    const preview = await browser.until((m) => m.type === "job:preview");
    if (preview.type !== "job:preview") throw new Error("unreachable");
    const image = await fetch(preview.preview.url);
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
    await attempt.complete();
    await browser.until((m) => m.type === "job:completed");
    attempt.close();
    browser.close();
  }, 30_000);

  it("aborts the attempt's signal when the job is canceled, and refuses what comes after", async () => {
    const { created, attempt } = await externalJob();
    expect(await attempt.connect()).toBe(true);
    await attempt.heartbeat();
    const aborted = new Promise((resolve) => attempt.signal.addEventListener("abort", resolve));
    await fetch(`${server.url}/api/jobs/${created.job.id}/cancel`, { method: "POST", headers: apiHeaders(), body: "{}" });
    await aborted;
    expect(attempt.signal.reason).toBeInstanceOf(JobCanceled);
    await expect(attempt.progress({ percent: 50 })).rejects.toBeInstanceOf(JobCanceled);
  }, 30_000);

  it("resends what was not acked once the server is back, and it is applied", async () => {
    const { created, attempt } = await externalJob();
    let dropped!: () => void;
    const drop = new Promise<void>((resolve) => (dropped = resolve));
    expect(await attempt.connect({ onEvent: (event) => event === "channel.dropped" && dropped() })).toBe(true);
    await attempt.progress({ percent: 10 });
    const restarting = server.restart({ downMs: 500 });
    await drop;
    // Sent while the server is down: kept until a new channel acks it.
    const late = attempt.progress({ percent: 60, stage: "after restart" });
    await restarting;
    const answer = await late;
    expect(answer.ok).toBe(true);
    const job = (await (await fetch(`${server.url}/api/jobs/${created.job.id}`, { headers: apiHeaders() })).json()) as CreateJobResponse;
    expect(job.job.progress).toMatchObject({ percent: 60, stage: "after restart" });
    attempt.close();
  }, 90_000);
});
