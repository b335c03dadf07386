/**
 * The browser app in Debian's Chromium against a real `wrangler dev` with the
 * demo backend on: the tests play the GPU worker over HTTP callbacks and
 * watch what a user sees.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { createDemoJob, gpuWorker } from "./gpu-worker";
import { describeInChromium, screenshotPath, WAIT } from "./harness";

const progressBar = (page: Page, percent: number) =>
  page.waitForSelector(`[role=progressbar][aria-label="Export progress"][aria-valuenow="${percent}"]`, WAIT);
const jobStatus = (page: Page, status: string) => page.waitForSelector(`[data-testid=job][data-status=${status}]`, WAIT);
const connection = (page: Page, state: string) => page.waitForSelector(`[data-testid=connection][data-state=${state}]`, WAIT);

describeInChromium("the job page in Chromium", (h) => {
  const openJob = async (jobId: string) => {
    const page = await h.open(`/jobs/${jobId}`);
    await connection(page, "live");
    return page;
  };
  /** A new job, a tab watching it, and its GPU worker. */
  const watchedJob = async () => {
    const job = await createDemoJob(h.server);
    return { job, page: await openJob(job.id), worker: await gpuWorker(h.server, job.id) };
  };
  /** A watched job whose worker has reported `percent`, as the page shows. */
  const runningJob = async (percent: number) => {
    const watched = await watchedJob();
    await watched.worker.progress(percent);
    await progressBar(watched.page, percent);
    return watched;
  };

  it("starts a job from the form, follows it to 100 % and downloads the exact bytes", async () => {
    const page = await h.open("/");
    await page.selectOption("select[name=kind]", { index: 0 });
    await page.fill("input[name=input]", "launch-teaser");
    await page.click("button[type=submit]");
    await page.waitForURL(/\/jobs\/job_[a-z2-7]+$/, WAIT);
    const jobId = page.url().split("/").at(-1)!;
    await connection(page, "live");
    await jobStatus(page, "queued");

    const worker = await gpuWorker(h.server, jobId);
    for (const [percent, stage] of [[20, "decode"], [45, "render"], [62, "render"]] as const) {
      await worker.progress(percent, stage, `frame ${percent * 12} of 1200`);
      await progressBar(page, percent);
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(await page.textContent("[data-testid=percent]")).toBe("62%");
    await page.screenshot({ path: screenshotPath("job-page.png") });

    await worker.progress(100, "encode");
    await progressBar(page, 100);
    const content = `pretend mp4 for ${jobId}\n`.repeat(50);
    await worker.upload(content, "launch-teaser.mp4");
    await worker.complete();
    await jobStatus(page, "completed");
    const link = await page.waitForSelector("a[download]", WAIT);
    expect(await link.textContent()).toContain("launch-teaser.mp4");

    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("launch-teaser.mp4");
    expect(readFileSync((await download.path())!)).toEqual(Buffer.from(content));
    await page.close();
  }, 60_000);

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

  it("recovers by itself after the dev server restarts mid-job, missing nothing", async () => {
    const { page, worker } = await runningJob(30);

    const restarted = h.server.restart({ downMs: 500 });
    await connection(page, "reconnecting");
    await restarted;
    // While the page is still backing off, the job moves on and finishes.
    await worker.progress(80, "encode");
    await worker.complete();

    await connection(page, "live");
    await jobStatus(page, "completed");
    await progressBar(page, 100);
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

  it("shows a failed job's error and retries it", async () => {
    const { page, worker } = await runningJob(40);
    await worker.fail("out of GPU memory at frame 512");
    await jobStatus(page, "failed");
    expect(await page.textContent("[data-testid=error]")).toContain("out of GPU memory at frame 512");

    await page.click("button:has-text('Retry')");
    await jobStatus(page, "queued");
    expect(await page.textContent("[data-testid=attempt]")).toBe("2 of 3");
    await page.close();
  }, 60_000);
});
