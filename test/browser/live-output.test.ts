/**
 * The job page shows what the worker streams over the channel: the newest
 * preview frame beside the progress bar, the log tail (pausable), and a
 * Cancel that reaches the worker's socket at once. The worker is the SDK
 * (@export-tracker/worker) on a real channel to `wrangler dev`.
 */
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { GifRender, RenderInput } from "../../scripts/agent/gif-render";
import { JobCanceled, WorkerClient } from "@export-tracker/worker";
import { CallbackCredentials } from "../../workers/protocol";
import { createJob } from "./gpu-worker";
import { describeInChromium, screenshotPath, WAIT } from "./harness";

const jobStatus = (page: Page, status: string, timeout = WAIT.timeout) =>
  page.waitForSelector(`[data-testid=job][data-status=${status}]`, { timeout });

describeInChromium("the job page's live output in Chromium", (h) => {
  /** A job, its page, and its worker on the channel. */
  const channelJob = async () => {
    const job = await createJob(h.server);
    const page = await h.open(`/jobs/${job.id}`);
    await page.waitForSelector("[data-testid=connection][data-state=live]", WAIT);
    const res = await fetch(`${h.server.url}/api/jobs/${job.id}/callback`, { headers: { authorization: `Bearer ${h.server.apiKey}` } });
    const callback = CallbackCredentials.parse(await res.json());
    const client = new WorkerClient({ baseUrl: h.server.url, workerKey: h.server.workerKey, worker: "browser-test" });
    const attempt = client.attempt({ job: { id: job.id }, callback });
    expect(await attempt.connect()).toBe(true);
    return { job, page, attempt };
  };

  it("shows the newest preview frame and follows the log tail of a running job", async () => {
    const { page, attempt } = await channelJob();
    const render = new GifRender(RenderInput.parse({ frames: 8, width: 160, height: 90, text: "LIVE" }));
    for (let frame = 1; frame <= 6; frame++) {
      render.renderFrame();
      await attempt.progress({ done: frame, total: 8, stage: "render" });
      await attempt.log([`frame ${frame} rendered`]);
    }
    await attempt.preview(render.currentFrameGif(), "image/gif", "frame 6");

    const image = await page.waitForSelector("[data-testid=live-preview] img[alt='Preview: frame 6']", WAIT);
    await page.waitForFunction((img) => (img as HTMLImageElement).naturalWidth === 160, image, WAIT);
    await page.waitForSelector("[data-testid=log-panel] .log-line:has-text('frame 6 rendered')", WAIT);
    expect(await page.locator("[data-testid=log-panel] .log-line").count()).toBe(6);

    // Paused, the panel keeps new lines but stops scrolling; Follow resumes.
    await page.click("[data-testid=log-follow]");
    expect(await page.getAttribute(".log-lines", "data-following")).toBe("false");
    await attempt.log(Array.from({ length: 40 }, (_, i) => `later line ${i + 1}`));
    await page.waitForSelector(".log-line:has-text('later line 40')", WAIT);
    const atTop = await page.$eval(".log-lines", (el) => el.scrollTop);
    await page.click("[data-testid=log-follow]");
    await page.waitForFunction(() => {
      const el = document.querySelector(".log-lines")!;
      return el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
    }, null, WAIT);
    expect(await page.$eval(".log-lines", (el) => el.scrollTop)).toBeGreaterThan(atTop);
    await page.screenshot({ path: screenshotPath("job-live-output.png"), fullPage: true });
    attempt.close();
    await page.close();
  }, 60_000);

  it("shows canceled within a second of Cancel, and the worker is told at once", async () => {
    const { page, attempt } = await channelJob();
    await attempt.progress({ percent: 30, stage: "render" });
    await page.waitForSelector("[role=progressbar][aria-valuenow='30']", WAIT);
    const told = new Promise<unknown>((resolve) => attempt.signal.addEventListener("abort", () => resolve(attempt.signal.reason)));
    await page.click("button:has-text('Cancel…')");
    await page.click("dialog button:has-text('Cancel export')");
    await jobStatus(page, "canceled", 1000);
    expect(await told).toBeInstanceOf(JobCanceled);
    await page.close();
  }, 60_000);
});
