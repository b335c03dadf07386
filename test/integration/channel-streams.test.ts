import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { ChannelStore } from "../../workers/channel/channel-store";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../workers/config";
import type { ExportJobState } from "../../workers/jobs/export-job-state";
import { CHANNEL_LIMITS, type JobLogMessage, type JobPreviewMessage, type LogPage, type ServerMessage } from "../../workers/protocol";
import { hasExtra, openChannel, waitForExtra } from "../channel-helpers";
import { api, callback, createJob, eventLog, getJob, jobStub, openFeed, postJson, withKey, type Feed } from "../helpers";

const ofType = (type: ServerMessage["type"]) => (m: ServerMessage) => m.type === type;
/** The suite runs with the default browser cap (BROWSER_PROGRESS_PER_SECOND unset: 30 a second). */
const INTERVAL_MS = readConfig(env).browserProgressIntervalMs;

/** What every coalesced burst must give browsers: fewer broadcasts than reports, bounded by the rate, seq gap-free. */
function expectCoalesced(feed: Feed, reports: number, elapsedMs: number): void {
  const progress = feed.messages.filter((m) => m.type === "job:progress");
  expect(progress.length).toBeLessThan(reports);
  expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / INTERVAL_MS) + 2);
  const seqs = feed.messages.map((m) => ("seq" in m ? m.seq : -1));
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
}

describe("progress from the channel, as browsers see it", () => {
  it("merges a burst into bounded broadcasts with seq rising by one and the final state exact", async () => {
    const created = await createJob();
    const feed = await openFeed(created.job.id);
    await feed.waitFor(ofType("job:snapshot"));
    const channel = await openChannel(created);
    const started = Date.now();
    const n = 300;
    for (let i = 1; i <= n; i++) channel.send({ type: "progress", id: `p${i}`, done: i, total: n });
    await channel.waitFor((m) => m.type === "ack" && m.id === `p${n}`, 20_000);
    const elapsed = Date.now() - started;
    // The held-back newest value goes out on the alarm (it may have fired already).
    await runDurableObjectAlarm(jobStub(created.job.id));
    const last = await feed.waitFor((m) => m.type === "job:progress" && m.job.progress.done === n);

    expectCoalesced(feed, n, elapsed);
    expect(last.seq).toBe((feed.messages.at(-1) as { seq: number }).seq);
    expect((await getJob(created.job.id)).progress.done).toBe(n);
    channel.close();
    feed.close();
  }, 30_000);
});

describe("progress from HTTP callbacks, as browsers see it", () => {
  it("merges fast callbacks into bounded broadcasts with seq rising by one and the final state exact", async () => {
    const created = await createJob();
    const feed = await openFeed(created.job.id);
    await feed.waitFor(ofType("job:snapshot"));
    const started = Date.now();
    const n = 150;
    for (let i = 1; i <= n; i++) {
      const { status, body } = await callback(created, "progress", { done: i, total: n });
      expect(status).toBe(200);
      expect(body.ok).toBe(true);
    }
    const elapsed = Date.now() - started;
    await runDurableObjectAlarm(jobStub(created.job.id)); // a held-back newest value (the alarm may have fired already)
    const last = await feed.waitFor((m) => m.type === "job:progress" && m.job.progress.done === n);

    expectCoalesced(feed, n, elapsed);
    expect(last.seq).toBe((feed.messages.at(-1) as { seq: number }).seq);
    const log = await eventLog(created.job.id);
    expect(log.at(-1)).toMatchObject({ type: "job:progress", seq: last.seq, job: { progress: { done: n } } });
    expect((await getJob(created.job.id)).progress.done).toBe(n);
    feed.close();
  }, 30_000);

  it("holds a report that comes too soon and publishes it from the alarm with the next seq", async () => {
    const created = await createJob();
    await callback(created, "progress", { done: 1, total: 10 });
    const stub = jobStub(created.job.id);
    // The route's own call on the object, twice in one turn of the object's clock: the second is held back.
    const held = await runInDurableObject(stub, async (instance: ExportJobState, state) => {
      for (const done of [2, 3]) await instance.callback("progress", { type: "progress", attempt: 1, report: { done, total: 10 } });
      return new ChannelStore(state.storage).read().coalesce.heldSince;
    });
    expect(held).not.toBeNull();
    const before = (await eventLog(created.job.id)).at(-1) as { seq: number; job: { progress: { done: number } } };
    expect(before.job.progress.done).toBeLessThan(3);
    expect((await getJob(created.job.id)).progress.done).toBe(3);

    const feed = await openFeed(created.job.id, `?since=${before.seq}`);
    await runDurableObjectAlarm(stub); // no report follows: only the alarm (this one, or the runtime's) can publish it
    const flushed = await feed.waitFor((m) => m.type === "job:progress" && m.job.progress.done === 3);
    expect(flushed.seq).toBe(before.seq + 1);
    expect(feed.messages.map((m) => ("seq" in m ? m.seq : null))).toEqual([before.seq + 1]);
    feed.close();
  });
});

describe("logs", () => {
  it("streams channel log lines to browsers that asked, and resumes with logs_since", async () => {
    const created = await createJob();
    const withLogs = await openFeed(created.job.id, "?logs=1");
    const without = await openFeed(created.job.id);
    const channel = await openChannel(created);
    await channel.request({ type: "heartbeat", id: "h" });
    expect(await channel.request({ type: "log", id: "l1", lines: ["one", "two"] })).toMatchObject({ type: "ack" });
    const got = await waitForExtra<JobLogMessage>(withLogs, "job:log");
    expect(got).toMatchObject({ lines: [{ log_seq: 1, text: "one" }, { log_seq: 2, text: "two" }] });
    await channel.request({ type: "log", id: "l2", lines: ["three"] });
    await waitForExtra<JobLogMessage>(withLogs, "job:log", (m) => m.lines[0]!.log_seq === 3);
    expect(hasExtra(without, "job:log")).toBe(false);

    const resumed = await openFeed(created.job.id, "?logs=1&logs_since=2");
    const missed = await waitForExtra<JobLogMessage>(resumed, "job:log");
    expect(missed).toMatchObject({ lines: [{ log_seq: 3, text: "three" }] });
    for (const f of [withLogs, without, resumed]) f.close();
    channel.close();
  });

  it("takes log lines over HTTP and pages them with any reader credential", async () => {
    const created = await createJob();
    const token = created.callback.token;
    await api(`/api/jobs/${created.job.id}/callbacks/heartbeat`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    const res = await postJson(`/api/jobs/${created.job.id}/callbacks/log`, { lines: ["a", "b", "c"] }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const viewer = (await (await postJson("/api/viewer-tokens", { job_id: created.job.id }, withKey())).json()) as { token: string };
    const page = (await (await api(`/api/jobs/${created.job.id}/logs?since=0&limit=2`, { headers: { authorization: `Bearer ${viewer.token}` } })).json()) as LogPage;
    expect(page.lines.map((l) => l.text)).toEqual(["a", "b"]);
    expect(page.next_since).toBe(2);
    const rest = (await (await api(`/api/jobs/${created.job.id}/logs?since=2`, { headers: withKey() })).json()) as LogPage;
    expect(rest).toMatchObject({ lines: [{ log_seq: 3, text: "c" }], next_since: null });
  });

  it("keeps a bounded ring in the object's storage, apart from the event log", async () => {
    const created = await createJob();
    const total = CHANNEL_LIMITS.logRingLines + 250;
    await runInDurableObject(jobStub(created.job.id), (_o, state) => {
      const store = new ChannelStore(state.storage);
      for (let from = 0; from < total; from += 250) store.appendLog(from, Array.from({ length: 250 }, (_, i) => `line ${from + i + 1}`), Date.now());
    });
    const page = (await (await api(`/api/jobs/${created.job.id}/logs?since=0&limit=1000`, { headers: withKey() })).json()) as LogPage;
    expect(page.lines[0]).toMatchObject({ log_seq: total - CHANNEL_LIMITS.logRingLines + 1, text: `line ${total - CHANNEL_LIMITS.logRingLines + 1}` });
    const events = await runInDurableObject(jobStub(created.job.id), (_o, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n,
    );
    expect(events).toBe(1);
  });

  it("cuts a long line to its cap", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    await channel.request({ type: "log", id: "long", lines: ["é".repeat(3000)] });
    const page = (await (await api(`/api/jobs/${created.job.id}/logs`, { headers: withKey() })).json()) as LogPage;
    expect(new TextEncoder().encode(page.lines[0]!.text).byteLength).toBeLessThanOrEqual(CHANNEL_LIMITS.maxLogLineBytes);
    channel.close();
  });

  it("refuses log lines past the job's rate, storing none of them", async () => {
    const created = await createJob();
    const channel = await openChannel(created);
    const lines = Array.from({ length: 100 }, () => "spam");
    const answers = [];
    for (let i = 0; i < CHANNEL_LIMITS.logBurstLines / 100 + 3; i++) answers.push(channel.request({ type: "log", id: `s${i}`, lines }));
    const results = await Promise.all(answers);
    expect(results.some((r) => r.type === "refused" && r.code === "log_rate_limited")).toBe(true);
    const acked = results.filter((r) => r.type === "ack").length;
    const page = (await (await api(`/api/jobs/${created.job.id}/logs?limit=1000`, { headers: withKey() })).json()) as LogPage;
    const more = page.next_since === null ? [] : ((await (await api(`/api/jobs/${created.job.id}/logs?since=${page.next_since}&limit=1000`, { headers: withKey() })).json()) as LogPage).lines;
    expect(page.lines.length + more.length).toBe(acked * 100);
    channel.close();
  });
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

function putPreview(created: { job: { id: string }; callback: { token: string } }, bytes: Uint8Array, type = "image/png", query = "?frame=12") {
  return api(`/api/jobs/${created.job.id}/callbacks/preview${query}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${created.callback.token}`, "content-type": type, "content-length": String(bytes.byteLength) },
    body: bytes,
  });
}

describe("preview frames", () => {
  it("raises job:preview with a signed URL that serves the newest frame", async () => {
    const created = await createJob();
    const feed = await openFeed(created.job.id);
    expect((await putPreview(created, PNG)).status).toBe(200);
    const message = await waitForExtra<JobPreviewMessage>(feed, "job:preview");
    expect(message.preview).toMatchObject({ frame: "12", size: PNG.byteLength, content_type: "image/png" });
    const url = new URL(message.preview.url);
    const image = await api(url.pathname + url.search);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);

    const newer = new Uint8Array([...PNG, 9]);
    await putPreview(created, newer, "image/png", "?frame=13");
    const again = await api(url.pathname + url.search);
    expect((await again.arrayBuffer()).byteLength).toBe(newer.byteLength);
    // A browser that connects later gets the newest preview on connect.
    const late = await openFeed(created.job.id);
    expect(await waitForExtra<JobPreviewMessage>(late, "job:preview")).toMatchObject({ preview: { frame: "13" } });
    feed.close();
    late.close();
  });

  it("refuses another type, a frame over 512 KiB and a tampered link", async () => {
    const created = await createJob();
    expect((await putPreview(created, PNG, "image/svg+xml")).status).toBe(415);
    expect((await putPreview(created, new Uint8Array(CHANNEL_LIMITS.maxPreviewBytes + 1))).status).toBe(413);
    expect((await api(`/api/jobs/${created.job.id}/preview?expires=99999999999&sig=AAAA`)).status).toBe(403);
  });

  it("refuses a preview once the job is canceled", async () => {
    const created = await createJob();
    await postJson(`/api/jobs/${created.job.id}/cancel`, {}, withKey());
    const res = await putPreview(created, PNG);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ canceled: true, error: { code: "job_canceled" } });
  });
});
