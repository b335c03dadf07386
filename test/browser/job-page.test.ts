/**
 * The job page in Chromium against a real `wrangler dev`: the tests play the
 * customer's backend and the GPU worker over HTTP and watch what an operator
 * sees: live progress, the timeline with reasons, each attempt's own outcome,
 * actions, "not found", and no axe-core violation in any status.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { axeViolations } from "./axe";
import { createJob, gpuWorker } from "./gpu-worker";
import { describeInChromium, screenshotPath, WAIT } from "./harness";

const progressBar = (page: Page, percent: number) =>
  page.waitForSelector(`[role=progressbar][aria-label="Export progress"][aria-valuenow="${percent}"]`, WAIT);
const jobStatus = (page: Page, status: string) => page.waitForSelector(`[data-testid=job][data-status=${status}]`, WAIT);
const connection = (page: Page, state: string) => page.waitForSelector(`[data-testid=connection][data-state=${state}]`, WAIT);
const timelineEvent = (page: Page, type: string) => page.waitForSelector(`[data-testid=timeline] [data-type="${type}"]`, WAIT);

describeInChromium("the job page in Chromium", (h) => {
  const openJob = async (jobId: string) => {
    const page = await h.open(`/jobs/${jobId}`);
    await connection(page, "live");
    return page;
  };
  /** A new job, a tab watching it, and its GPU worker. */
  const watchedJob = async (body: Parameters<typeof createJob>[1] = {}) => {
    const job = await createJob(h.server, body);
    return { job, page: await openJob(job.id), worker: await gpuWorker(h.server, job.id) };
  };
  const runningJob = async (percent: number) => {
    const watched = await watchedJob();
    await watched.worker.progress(percent);
    await progressBar(watched.page, percent);
    return watched;
  };

  it("starts a render from the form, follows it to 100 % and downloads the exact bytes", async () => {
    const page = await h.open("/");
    await page.fill("input[name=text]", "launch");
    await page.click("button[type=submit]:has-text('Start render')");
    await page.waitForURL(/\/jobs\/job_[a-z2-7]+$/, WAIT);
    const jobId = page.url().split("/").at(-1)!;
    await connection(page, "live");
    await jobStatus(page, "queued");
    expect(await page.textContent("pre[aria-label='Job input']")).toContain('"text": "launch"');

    const worker = await gpuWorker(h.server, jobId);
    for (const percent of [20, 45, 62]) {
      await worker.progress(percent, "render", `frame ${percent} of 100`);
      await progressBar(page, percent);
    }
    expect(await page.textContent("[data-testid=percent]")).toBe("62%");
    await worker.progress(100, "encode");
    await progressBar(page, 100); // shown before the upload, so the timeline's progress run ends at 100 %
    const content = `pretend gif for ${jobId}\n`.repeat(50);
    await worker.upload(content, "launch.gif", "image/gif");
    await worker.complete();
    await jobStatus(page, "completed");
    await timelineEvent(page, "job:output");
    expect(await page.textContent("[data-testid=timeline] [data-type='job:progress']")).toContain("Progress 20% → 100%");
    const link = await page.waitForSelector("a[download]", WAIT);
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("launch.gif");
    expect(readFileSync((await download.path())!)).toEqual(Buffer.from(content));
    await page.close();
  }, 60_000);

  it("shows a stalled attempt given up, requeued with its reason, and the next one completing, without the old error as the current state", async () => {
    const { job, page, worker } = await watchedJob({ heartbeat_timeout_seconds: 3 });
    await worker.progress(30, "render");
    await timelineEvent(page, "job:stalled");
    const requeued = await timelineEvent(page, "job:requeued");
    expect(await requeued.textContent()).toContain("no word from the GPU worker for 3 s (attempt 1 of 3)");
    await jobStatus(page, "queued");
    expect(await page.locator("[data-testid=error]").count()).toBe(0);

    const second = await gpuWorker(h.server, job.id);
    expect(second.attempt).toBe(2);
    await second.progress(62, "render", "frame 62 of 100");
    // Attempt 2 keeps its heartbeat going while the page is looked at.
    const beating = setInterval(() => void second.heartbeat().catch(() => undefined), 400);
    await progressBar(page, 62);
    await page.waitForSelector("[data-testid=attempts] tr[data-attempt='2'][data-outcome=running]", WAIT);
    await worker.progress(40).catch(() => undefined); // the old attempt's token: refused, and logged
    await timelineEvent(page, "job:callback_refused");
    expect(await page.textContent("[data-testid=timeline] [data-type='job:callback_refused']")).toContain("409 stale_attempt");
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.screenshot({ path: screenshotPath("job-page.png"), fullPage: true });

    clearInterval(beating);
    await second.complete();
    await jobStatus(page, "completed");
    await page.waitForSelector("[data-testid=attempts] tr[data-attempt='2'][data-outcome=completed]", WAIT);
    const first = await page.textContent("[data-testid=attempts] tr[data-attempt='1']");
    expect(first).toContain("given up");
    expect(first).toContain("no word from the GPU worker");
    expect(await page.locator("[role=alert]").count()).toBe(0);

    // The list's row of the completed job shows no error either.
    await page.goto(`${h.server.url}/`);
    const row = await page.waitForSelector(`[data-job-id="${job.id}"][data-status=completed]`, WAIT);
    expect(await row.textContent()).not.toContain("no word");
    await page.close();
  }, 90_000);

  it("shows the same progress in two tabs on one job", async () => {
    const { job, page: first, worker } = await watchedJob();
    const second = await openJob(job.id);
    for (const percent of [30, 70]) {
      await worker.progress(percent);
      await Promise.all([progressBar(first, percent), progressBar(second, percent)]);
    }
    await worker.complete();
    await Promise.all([jobStatus(first, "completed"), jobStatus(second, "completed")]);
    await Promise.all([first.close(), second.close()]);
  }, 60_000);

  it("says not found for an unknown job, without a socket", async () => {
    const page = await h.browser.context.newPage();
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    await page.goto(`${h.server.url}/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaaaa`);
    await page.waitForSelector("[data-testid=not-found] h1:text('Export not found')", WAIT);
    expect(sockets).toEqual([]);
    await page.close();
  }, 30_000);

  it("cancels only after a confirmation, with the reason in the timeline", async () => {
    const { page } = await runningJob(20);
    await page.click("button:has-text('Cancel…')");
    await page.click("dialog button:has-text('Keep it running')");
    await page.click("button:has-text('Cancel…')");
    await page.fill("dialog input[name=reason]", "wrong scene");
    await page.click("dialog button:has-text('Cancel export')");
    await jobStatus(page, "canceled");
    expect(await (await timelineEvent(page, "job:canceled")).textContent()).toContain("wrong scene");
    await page.close();
  }, 60_000);

  it("retries a failed job by hand without a backoff countdown", async () => {
    const { page, worker } = await runningJob(40);
    await worker.fail("out of GPU memory at frame 512");
    await jobStatus(page, "failed");
    expect(await page.textContent("[data-testid=error]")).toContain("out of GPU memory at frame 512");

    await page.click("button:has-text('Retry')");
    await jobStatus(page, "queued");
    expect(await page.textContent("[data-testid=attempt]")).toBe("2 of 3");
    expect(await page.textContent("[data-testid=notice]")).toContain("waiting for a worker");
    expect(await page.locator("[data-testid=error]").count()).toBe(0);
    await page.close();
  }, 60_000);

  it("has no axe-core violation in any status, light and dark, and fits a phone", async () => {
    const pages: Page[] = [];
    const queued = await watchedJob();
    pages.push(queued.page);
    const running = await runningJob(50);
    pages.push(running.page);
    const completed = await runningJob(70);
    await completed.worker.complete();
    await jobStatus(completed.page, "completed");
    pages.push(completed.page);
    const failed = await runningJob(10);
    await failed.worker.fail("bad input");
    await jobStatus(failed.page, "failed");
    pages.push(failed.page);
    const canceled = await runningJob(15);
    await canceled.page.click("button:has-text('Cancel…')");
    await canceled.page.click("dialog button:has-text('Cancel export')");
    await jobStatus(canceled.page, "canceled");
    pages.push(canceled.page);

    for (const page of pages) {
      const status = await page.getAttribute("[data-testid=job]", "data-status");
      for (const colorScheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme });
        expect(await axeViolations(page), `${status}, ${colorScheme}`).toEqual([]);
      }
    }
    const phone = running.page;
    await phone.setViewportSize({ width: 390, height: 844 });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const page of pages) await page.close();
  }, 120_000);

  it("recovers by itself after the dev server restarts mid-job, missing nothing", async () => {
    const { page, worker } = await runningJob(30);
    const restarted = h.server.restart({ downMs: 500 });
    await connection(page, "reconnecting");
    await restarted;
    await worker.progress(80, "encode");
    await worker.complete();
    await connection(page, "live");
    await jobStatus(page, "completed");
    await progressBar(page, 100);
    await timelineEvent(page, "job:completed");
    await page.close();
  }, 120_000);

  it("shows offline while the network is gone and catches up when it is back", async () => {
    const { page, worker } = await runningJob(10);
    await page.context().setOffline(true);
    await connection(page, "offline");
    await worker.progress(90, "encode");
    await page.context().setOffline(false);
    await connection(page, "live");
    await progressBar(page, 90);
    await page.close();
  }, 60_000);
});
