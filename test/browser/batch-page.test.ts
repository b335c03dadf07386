/**
 * The batch page in Chromium against a real `wrangler dev`, with the
 * reference agent (npm run worker) running the batch's pull jobs: one bar
 * for the batch reaches 100 % and every member row completes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CreateBatchResponse } from "../../workers/protocol";
import { axeViolations } from "./axe";
import { describeInChromium, ROOT, screenshotPath, WAIT } from "./harness";

const LONG = { timeout: 90_000 };

describeInChromium("the batch page in Chromium", (h) => {
  let agent: ChildProcess;
  let agentLog = "";

  beforeAll(() => {
    agent = spawn(
      join(ROOT, "node_modules/.bin/tsx"),
      ["scripts/agent/agent.ts", "--url", h.server.url, "--concurrency", "2", "--pace", "40", "--name", "browser-agent"],
      { cwd: ROOT, env: { ...process.env, WORKER_KEY: h.server.workerKey } },
    );
    agent.stdout!.on("data", (chunk) => (agentLog += chunk));
    agent.stderr!.on("data", (chunk) => (agentLog += chunk));
  });

  afterAll(() => {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
  });

  it("shows one bar reaching 100 % while the agent runs a batch of 5, and each member completing", async () => {
    const jobs = Array.from({ length: 5 }, (_, i) => ({
      kind: "gif.render",
      dispatch: "pull",
      input: { text: `clip ${i + 1}`, frames: 24, width: 96, height: 54 },
    }));
    const res = await fetch(`${h.server.url}/api/batches`, {
      method: "POST",
      headers: { authorization: `Bearer ${h.server.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ jobs }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as CreateBatchResponse;

    const page = await h.open(`/batches/${created.batch.id}`);
    await page.waitForSelector("[data-testid=connection][data-state=live]", WAIT);
    expect(await page.locator("[data-testid=batch-jobs] tbody tr").count()).toBe(5);
    // Seen moving before the end: some value under 100 on the way.
    const seen = new Set<string>();
    const watch = setInterval(() => {
      page
        .getAttribute('[role=progressbar][aria-label="Batch progress"]', "aria-valuenow")
        .then((v) => v && seen.add(v), () => undefined);
    }, 100);
    try {
      await page.waitForSelector("[data-testid=batch][data-status=completed]", LONG);
    } catch (err) {
      throw new Error(`${String(err)}\nagent log:\n${agentLog.slice(-3000)}`);
    } finally {
      clearInterval(watch);
    }
    const bars = page.locator('[role=progressbar][aria-label="Batch progress"]');
    expect(await bars.count()).toBe(1);
    expect(await bars.getAttribute("aria-valuenow")).toBe("100");
    expect(await page.textContent("[data-testid=batch-percent]")).toContain("100");
    const statuses = await page.locator("[data-testid=batch-jobs] tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
    expect(statuses).toEqual(Array(5).fill("completed"));
    expect([...seen].some((v) => Number(v) < 100)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("batch-page.png"), fullPage: true });

    // In the list, each member's row links to the batch.
    await page.click("a:has-text('All exports')");
    const memberRow = `[data-job-id="${created.jobs[0]!.job.id}"] [data-testid=batch-link]`;
    await page.waitForSelector(memberRow, WAIT);
    await page.click(memberRow);
    await page.waitForSelector("[data-testid=batch][data-status=completed]", WAIT);
    await page.close();
  }, 120_000);

  it("starts a batch from the form with several copies and opens its page", async () => {
    const page = await h.open("/");
    await page.fill("input[name=text]", "reel");
    await page.fill("input[name=frames]", "6");
    await page.fill("input[name=copies]", "3");
    await page.click("button[type=submit]:has-text('Start render')");
    await page.waitForURL(/\/batches\/bat_[a-z2-7]+$/, WAIT);
    await page.waitForSelector("[data-testid=batch]", WAIT);
    expect(await page.locator("[data-testid=batch-jobs] tbody tr").count()).toBe(3);
    await page.waitForSelector("[data-testid=batch][data-status=completed]", LONG);
    await page.close();
  }, 120_000);

  it("says not found for an unknown batch", async () => {
    const page = await h.open("/batches/bat_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    await page.waitForSelector("[data-testid=not-found]", WAIT);
    await page.close();
  });
});
