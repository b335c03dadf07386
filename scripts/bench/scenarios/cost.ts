/**
 * The cost of one typical job in Cloudflare's billable units, counted: a
 * backend creates the job and mints a viewer token for each of 3 viewers,
 * who connect; the GPU worker reports progress 10 times a second for the
 * job's length (60 s in a full run: real time, not compressed), uploads a
 * 1 MiB output and completes; one viewer reads the job and downloads the
 * output. Counted from three sides: the requests this generator sent, the
 * tracker's own counters (Worker requests, Durable Object calls, alarms,
 * incoming socket messages, R2 operations: tracker/entry.ts), and D1 rows
 * written (triggers). Tracker only: the floor bills nothing comparable.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { CreateJobResponse, Job, ViewerTokenResponse } from "../../../workers/protocol";
import { billableObjectRequests, countsSince, trackerCounts } from "../counts";
import { readWrites, writesSince } from "../d1-writes";
import { clock } from "../targets";
import { sampleCpu } from "../cpu";
import type { ScenarioOutcome } from "../run";
import { cpuRecord, nextKey, type Context } from "./context";
import type { Figure } from "./figures";
import { settleMirror } from "./mirror-settle";
import { settleDelivery } from "./settle";

const VIEWERS = 3;
const REPORTS_PER_SECOND = 10;
const OUTPUT_BYTES = 1 << 20;

export async function cost(ctx: Context): Promise<ScenarioOutcome> {
  const { url, apiKey, state } = ctx.trackerServer;
  const seconds = ctx.sizes.costSeconds;
  let sent = 0;
  const call = async (what: string, target: string, init: RequestInit = {}) => {
    sent++;
    const response = await fetch(target, init);
    if (!response.ok) throw new Error(`cost: ${what}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    return response;
  };
  const callJson = async (what: string, target: string, init: RequestInit = {}): Promise<unknown> => {
    const text = await (await call(what, target, init)).text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`cost: ${what} (${target}): not JSON: ${text.slice(0, 100)}`);
    }
  };
  const auth = (token: string, body?: unknown): RequestInit => ({
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

  const cpu = sampleCpu([{ name: "tracker", pid: ctx.trackerServer.pid }]);
  const countsBefore = await trackerCounts(url);
  const d1Before = readWrites(state);
  const created = CreateJobResponse.parse(await callJson("create", `${url}/api/jobs`, auth(apiKey, { kind: "bench.typical", input: { scene: "typical" } })));
  const viewerUrls: string[] = [];
  for (let i = 0; i < VIEWERS; i++) {
    const token = ViewerTokenResponse.parse(await callJson("viewer token", `${url}/api/viewer-tokens`, auth(apiKey, { job_id: created.job.id }))).token;
    viewerUrls.push(`${created.links.ws}?token=${encodeURIComponent(token)}`);
  }
  sent += VIEWERS; // the upgrades
  const group = "cost";
  await ctx.subscribers.open(group, viewerUrls);

  const { url: callbackUrl, token } = created.callback;
  const keys: string[] = [];
  const start = clock();
  const total = seconds * REPORTS_PER_SECOND;
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / REPORTS_PER_SECOND - clock();
    if (wait > 0) await sleep(wait);
    const key = nextKey();
    await call("progress", `${callbackUrl}/progress`, auth(token, { percent: Math.floor((i * 100) / total), stage: "render", message: key }));
    keys.push(key);
  }
  await call("output", `${callbackUrl}/output?filename=render.bin`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    body: new Uint8Array(OUTPUT_BYTES),
  });
  await call("complete", `${callbackUrl}/complete`, auth(token, {}));
  const job = z.object({ job: Job }).or(Job).parse(await callJson("read job", created.links.self, auth(apiKey)));
  const download = ("job" in job ? job.job : job).download;
  if (!download) throw new Error("cost: the completed job has no download link");
  await (await call("download", download.url)).arrayBuffer();
  const check = await settleDelivery(ctx, group, () => keys);
  await ctx.subscribers.close(group);
  await settleMirror(ctx, clock());

  const counts = countsSince(countsBefore, await trackerCounts(url));
  const d1 = writesSince(d1Before, readWrites(state));
  const objectRequests = billableObjectRequests(counts);
  const scenario = `one typical job (${seconds} s, ${REPORTS_PER_SECOND}/s, ${VIEWERS} viewers)`;
  const unit = (label: string, value: number): Figure => ({ scenario, label, unit: "count", floor: null, tracker: value });
  return {
    figures: [
      unit("Worker requests", counts.workerRequests),
      unit("Durable Object requests", objectRequests),
      unit("D1 rows written", d1.total),
      unit("R2 Class A operations", counts.r2.classA),
      unit("R2 Class B operations", counts.r2.classB),
    ],
    cpu: [cpuRecord(cpu.stop())],
    problems: check.lost + check.reordered > 0 ? [`cost: viewers lost ${check.lost}, reordered ${check.reordered}`] : [],
    notes: [
      `generator sent ${sent} requests (socket upgrades included), the Worker counted ${counts.workerRequests}; ` +
        `object requests by class ${JSON.stringify(counts.doRequests)}, alarms ${JSON.stringify(counts.alarms)}, incoming socket messages ${JSON.stringify(counts.wsMessagesIn)}; ` +
        `D1 ${JSON.stringify(d1.byTable)}; ${total} reports in ${((clock() - start) / 1000).toFixed(0)} s, real time; 1 MiB output`,
    ],
    details: { counts, d1, sent },
  };
}
