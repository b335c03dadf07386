/**
 * The console's job list in Chromium: counts on top, rows that appear and
 * move live, filters and search kept in the URL across a reload, older pages
 * on demand, no axe-core violation in light or dark, and a phone's width.
 */
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { axeViolations } from "./axe";
import { cancelJob, createJob, gpuWorker } from "./gpu-worker";
import { describeInChromium, screenshotPath, WAIT } from "./harness";

const live = (page: Page) => page.waitForSelector("[data-testid=connection][data-state=live]", WAIT);

describeInChromium("the job list in Chromium", (h) => {
  it("shows new jobs and their progress live, filters by status and loads older pages", async () => {
    const older = [];
    for (let i = 0; i < 26; i++) older.push(await createJob(h.server));
    const page = await h.open("/");
    await live(page);
    expect(await page.locator(".job-row").count()).toBe(25);
    await page.click("button:has-text('Show older')");
    await page.waitForSelector(`[data-job-id="${older[0]!.id}"]`, WAIT);

    const job = await createJob(h.server);
    const row = `[data-job-id="${job.id}"]`;
    await page.waitForSelector(`${row}[data-status=queued]`, WAIT);
    expect(await page.locator(".job-row").first().getAttribute("data-job-id")).toBe(job.id);

    const worker = await gpuWorker(h.server, job.id);
    await worker.progress(55);
    await page.waitForSelector(`${row}[data-status=running] [role=progressbar][aria-valuenow="55"]`, WAIT);

    await page.selectOption("select[name=status]", "completed");
    await page.waitForSelector(".empty", WAIT);
    await worker.complete();
    await page.waitForSelector(`${row}[data-status=completed]`, WAIT);
    expect(await page.locator(".job-row").count()).toBe(1);
    await page.waitForSelector("[data-testid=stat-completed] .stat-value:text-is('1')", WAIT);
    await page.close();
  }, 120_000);

  it("keeps the status and kind filters and the id search in the URL across a reload", async () => {
    const wanted = await createJob(h.server, { kind: "video.render" });
    await createJob(h.server, { kind: "video.render" });
    await cancelJob(h.server, wanted.id, "filter test");
    const page = await h.open("/");
    await live(page);
    await page.selectOption("select[name=status]", "canceled");
    await page.selectOption("select[name=kind]", "video.render");
    await page.fill("input[name=q]", wanted.id.slice(4, 14));
    await page.press("input[name=q]", "Enter");
    await page.waitForURL(/status=canceled/, WAIT);
    await page.waitForSelector(`[data-job-id="${wanted.id}"]`, WAIT);

    await page.reload();
    await live(page);
    await page.waitForSelector(`[data-job-id="${wanted.id}"]`, WAIT);
    expect(await page.locator(".job-row").count()).toBe(1);
    expect(await page.inputValue("select[name=status]")).toBe("canceled");
    expect(await page.inputValue("select[name=kind]")).toBe("video.render");
    expect(await page.inputValue("input[name=q]")).toBe(wanted.id.slice(4, 14));
    expect(new URL(page.url()).searchParams.get("kind")).toBe("video.render");
    await page.close();
  }, 60_000);

  it("gives each row link a readable name", async () => {
    const job = await createJob(h.server);
    const page = await h.open("/");
    await live(page);
    const link = page.locator(`[data-job-id="${job.id}"] a`);
    expect(await link.getAttribute("aria-label")).toMatch(/^gif\.render job_\S+…\S{4}, queued$/);
    await page.close();
  }, 60_000);

  it("has no axe-core violation in light and dark, and fits a phone", async () => {
    for (const status of ["running", "failed"] as const) {
      const job = await createJob(h.server);
      const worker = await gpuWorker(h.server, job.id);
      await worker.progress(40);
      if (status === "failed") await worker.fail("out of GPU memory");
    }
    const page = await h.open("/");
    await live(page);
    await page.waitForSelector(".job-row[data-status=failed]", WAIT);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await axeViolations(page), colorScheme).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1200, height: 820 });
    await page.screenshot({ path: screenshotPath("job-list.png") });

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator(".job-row").first().isVisible()).toBe(true);
    await page.close();
  }, 90_000);
});
