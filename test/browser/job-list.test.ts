/**
 * The console's job list in Chromium: counts on top, rows that appear and
 * move live, filters and search kept in the URL across a reload, older pages
 * on demand, no axe-core violation in light or dark, and a phone's width;
 * a batch as one row with its bar and counts, linking to the batch page.
 */
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import type { CreateBatchResponse } from "../../workers/protocol";
import { axeViolations } from "./axe";
import { cancelJob, createJob, gpuWorker } from "./gpu-worker";
import { describeInChromium, screenshotPath, WAIT } from "./harness";

const live = (page: Page) => page.waitForSelector("[data-testid=connection][data-state=live]", WAIT);

describeInChromium("the job list in Chromium", (h) => {
  it("shows counts and one dense row per job, with no axe-core violation in light and dark, and fits a phone", async () => {
    const texts = ["intro", "teaser", "outro", "credits", "logo", "promo", "trailer", "recap"];
    const jobs = [];
    for (const text of texts) jobs.push(await createJob(h.server, { input: { text, frames: 48 } }));
    const [done1, done2, done3, running1, running2, failed, canceled] = jobs;
    for (const job of [done1!, done2!, done3!]) {
      const worker = await gpuWorker(h.server, job.id);
      await worker.progress(100);
      await worker.upload("GIF89a", `${job.id}.gif`, "image/gif");
      await worker.complete();
    }
    await (await gpuWorker(h.server, running1!.id)).progress(72, "render");
    await (await gpuWorker(h.server, running2!.id)).progress(18, "render");
    const failing = await gpuWorker(h.server, failed!.id);
    await failing.progress(35);
    await failing.fail("out of GPU memory at frame 17");
    await cancelJob(h.server, canceled!.id, "wrong text");

    const page = await h.open("/");
    await live(page);
    await page.waitForSelector(".job-row[data-status=failed]", WAIT);
    await page.waitForSelector("[data-testid=stat-completed] .stat-value:text-is('3')", WAIT);
    expect(await page.textContent("[data-testid=stat-running] .stat-value")).toBe("2");
    expect(await page.textContent("[data-testid=stat-queued] .stat-value")).toBe("1");
    expect(await page.locator(".job-row").count()).toBe(8);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await axeViolations(page), colorScheme).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1200, height: 720 });
    await page.screenshot({ path: screenshotPath("job-list.png") });

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator(".job-row").first().isVisible()).toBe(true);
    await page.close();
  }, 90_000);

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
    await page.waitForSelector(`${row}`, { state: "detached", ...WAIT });
    await page.waitForFunction(() => document.querySelectorAll(".job-row").length === 3, null, WAIT);
    await worker.complete();
    await page.waitForSelector(`${row}[data-status=completed]`, WAIT);
    expect(await page.locator(".job-row").count()).toBe(4);
    expect(await page.locator(".job-row").first().getAttribute("data-job-id")).toBe(job.id);
    await page.waitForSelector("[data-testid=stat-completed] .stat-value:text-is('4')", WAIT);
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

  it("shows a batch as one row with its bar and counts, kept live, linking to the batch page", async () => {
    const res = await fetch(`${h.server.url}/api/batches`, {
      method: "POST",
      headers: { authorization: `Bearer ${h.server.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ jobs: [1, 2, 3].map((n) => ({ kind: "gif.render", input: { text: `part ${n}`, frames: 24 } })) }),
    });
    expect(res.status).toBe(201);
    const { batch, jobs } = (await res.json()) as CreateBatchResponse;
    const page = await h.open("/");
    await live(page);
    const row = `.batch-row[data-batch-id="${batch.id}"]`;
    await page.waitForSelector(`${row}[data-status=running] [role=progressbar][aria-valuenow="0"]`, WAIT);
    expect(await page.textContent(`${row} [data-testid=batch-row-counts]`)).toBe("3 · 0 completed · 3 queued");
    // Its members are job rows too, each linking to the batch.
    expect(await page.locator(`[data-job-id="${jobs[0]!.job.id}"] [data-testid=batch-link]`).count()).toBe(1);

    // A member finishing moves the batch's row (owner feed), without a reload.
    const worker = await gpuWorker(h.server, jobs[0]!.job.id);
    await worker.progress(100);
    await worker.complete();
    await page.waitForSelector(`${row} [role=progressbar][aria-valuenow="33"]`, WAIT);
    expect(await page.textContent(`${row} [data-testid=batch-row-counts]`)).toBe("3 · 1 completed · 2 queued");
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("job-list-batch.png") });

    await page.click(`${row} a`);
    await page.waitForURL(new RegExp(`/batches/${batch.id}$`), WAIT);
    await page.waitForSelector("[data-testid=batch][data-status=running]", WAIT);
    expect(await page.textContent("[data-testid=batch-id]")).toBe(batch.id);
    await page.close();
  }, 60_000);
});
