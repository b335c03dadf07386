/**
 * The live job list in Chromium: jobs appear and move without a reload,
 * the status filter follows changes, older pages load on demand.
 */
import { expect, it } from "vitest";
import { createDemoJob, gpuWorker } from "./gpu-worker";
import { describeInChromium, screenshotPath, WAIT } from "./harness";

describeInChromium("the job list in Chromium", (h) => {
  it("shows new jobs and their progress live, filters by status and loads older pages", async () => {
    const older = [];
    for (let i = 0; i < 21; i++) older.push(await createDemoJob(h.server, "model.run"));
    const page = await h.open("/");
    await page.waitForSelector("[data-testid=connection][data-state=live]", WAIT);
    expect(await page.locator(".job-row").count()).toBe(20);
    await page.click("button:has-text('Show older')");
    await page.waitForSelector(`[data-job-id="${older[0]!.id}"]`, WAIT);

    const job = await createDemoJob(h.server);
    const row = `[data-job-id="${job.id}"]`;
    await page.waitForSelector(`${row}[data-status=queued]`, WAIT);
    expect(await page.locator(".job-row").first().getAttribute("data-job-id")).toBe(job.id);

    const worker = await gpuWorker(h.server, job.id);
    await worker.progress(55);
    await page.waitForSelector(`${row}[data-status=running] [role=progressbar][aria-valuenow="55"]`, WAIT);

    await page.click("button.chip:has-text('completed')");
    await page.waitForSelector(".empty", WAIT);
    await worker.complete();
    await page.waitForSelector(`${row}[data-status=completed]`, WAIT);
    expect(await page.locator(".job-row").count()).toBe(1);

    await page.click("button.chip:has-text('all')");
    await page.waitForSelector(`${row}[data-status=completed]`, WAIT);
    await page.screenshot({ path: screenshotPath("job-list.png") });
    await page.close();
  }, 90_000);
});
