/**
 * The owner feed (GET /api/feed/ws) that job lists follow, the viewer-token
 * read of the list.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signViewerToken } from "../../workers/auth/viewer-token";
import type { FeedJobMessage } from "../../workers/protocol";
import { api, callback, createJob } from "../helpers";

const token = (jobId: string | null = null, expiresAt = Date.now() + 60_000) =>
  signViewerToken(env.SIGNING_SECRET, { owner: "default", jobId, expiresAt });

async function openOwnerFeed() {
  const res = await api(`/api/feed/ws?token=${await token()}`, { headers: { upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const messages: FeedJobMessage[] = [];
  ws.addEventListener("message", (e) => {
    messages.push(JSON.parse(e.data as string));
  });
  const waitFor = async (match: (m: FeedJobMessage) => boolean) => {
    for (let i = 0; i < 100 && !messages.some(match); i++) await new Promise((r) => setTimeout(r, 20));
    const found = messages.find(match);
    if (!found) throw new Error(`no matching feed message in ${JSON.stringify(messages.map((m) => m.job.status))}`);
    return found;
  };
  return { ws, messages, waitFor };
}

describe("owner feed", () => {
  it("pushes each change of the owner's jobs as its list row, with the job's seq", async () => {
    const feed = await openOwnerFeed();
    const created = await createJob();
    const queued = await feed.waitFor((m) => m.job.id === created.job.id);
    expect(queued.job.status).toBe("queued");

    await callback(created, "progress", { percent: 40, stage: "render" });
    const running = await feed.waitFor((m) => m.job.id === created.job.id && m.job.progress === 40);
    expect(running.job).toMatchObject({ status: "running", stage: "render" });
    expect(running.seq).toBeGreaterThan(queued.seq);

    // A finer percent changes nothing a list shows, so it is not sent.
    await callback(created, "progress", { percent: 40.5, stage: "render" });
    await callback(created, "progress", { percent: 41, stage: "render" });
    await feed.waitFor((m) => m.job.id === created.job.id && m.job.progress === 41);
    expect(feed.messages.some((m) => m.job.progress === 40.5)).toBe(false);
    feed.ws.close(1000, "done");
  });

  it("refuses a missing, forged, expired or job-scoped token", async () => {
    const upgrade = { headers: { upgrade: "websocket" } };
    expect((await api("/api/feed/ws", upgrade)).status).toBe(401);
    expect((await api("/api/feed/ws?token=vt1.abc.def", upgrade)).status).toBe(401);
    expect((await api(`/api/feed/ws?token=${await token(null, Date.now() - 1000)}`, upgrade)).status).toBe(401);
    const scoped = await api(`/api/feed/ws?token=${await token("job_x")}`, upgrade);
    expect(scoped.status).toBe(403);
    expect((await api(`/api/feed/ws?token=${await token()}`)).status).toBe(426);
  });

  it("lists the owner's jobs with an owner-scoped viewer token, not a job-scoped one", async () => {
    await createJob();
    const listed = await api("/api/jobs", { headers: { authorization: `Bearer ${await token()}` } });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { jobs: unknown[] }).jobs.length).toBeGreaterThan(0);
    const scoped = await api("/api/jobs", { headers: { authorization: `Bearer ${await token("job_x")}` } });
    expect(scoped.status).toBe(403);
  });
});
