/**
 * The SDKs as a new user gets them, against one real `wrangler dev`: the npm
 * packages built, packed, installed from the tarballs into a scratch app
 * outside the repo, type-checked, bundled by Vite for production, and the
 * bundle loaded in Chromium, with the README's backend snippet minting
 * tokens and the README's worker snippet running the job; and the Python
 * SDK's unittest suite (python3 from Debian; CI installs it when missing).
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUDGET, measureClient } from "../../scripts/packages/bundle-size";
import { CHROMIUM_PATH, hasChromium, launchChromium } from "../browser/chromium";
import { startDevServer, type DevServer } from "../e2e/dev-server";
import { createScratchApp, freePort, ROOT, sh, start, waitForUrl } from "./scratch";

const WAIT = { timeout: 30_000 };
// Long enough for the worker snippet to outlive one request the loaded machine never answers (30 s timeout, then a retry).
const JOB_WAIT = { timeout: 90_000 };
// Bun and Deno come from the npm registry as devDependencies; both run the TypeScript snippet as it is.
const bin = (name: string) => join(ROOT, "node_modules/.bin", name);
const RUNTIMES = [
  { name: "Bun", command: [bin("bun"), "worker.ts"] },
  { name: "Deno", command: [bin("deno"), "run", "--allow-net", "--allow-env", "--allow-read", "worker.ts"] },
];
const browserRequired = process.env.REQUIRE_BROWSER === "1";
const hasPython = spawnSync("python3", ["--version"]).status === 0;
const pythonRequired = process.env.REQUIRE_PYTHON === "1" || process.env.CI === "true";
if (!hasPython && !pythonRequired) process.stderr.write("\n[packages] Python SDK test SKIPPED: no python3 (apt-get install python3)\n");

describe("the SDKs as installed, against one wrangler dev", () => {
  let app: string;
  let server: DevServer;
  /** Push dispatch goes here: the Python test serves the README handler on it, RunPod-style. */
  let gpuEndpointPort: number;

  beforeAll(async () => {
    gpuEndpointPort = await freePort();
    const vars = { GPU_ENDPOINTS: `http://127.0.0.1:${gpuEndpointPort}` };
    [app, server] = await Promise.all([createScratchApp(), startDevServer({ vars })]);
  }, 400_000);
  afterAll(async () => {
    await server?.stop();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it("type-checks the README's snippets against the installed packages' declarations", async () => {
    await sh(app, "npx", ["tsc", "-p", "."]);
  }, 120_000);

  it("keeps the browser client within its size budget, dependencies included", async () => {
    const sizes = await measureClient(app);
    expect(sizes.vanilla).toBeLessThanOrEqual(BUDGET.vanillaBytes);
    expect(sizes.reactExtra).toBeLessThanOrEqual(BUDGET.reactExtraBytes);
    expect(sizes.batchExtra).toBeLessThanOrEqual(BUDGET.batchExtraBytes);
  });

  it("bundles for production with Vite, with none of the server's request schemas inside", async () => {
    await sh(app, "npx", ["vite", "build", "--logLevel", "warn"], { VITE_TRACKER_URL: server.url });
    const assets = join(app, "dist/assets");
    const js = readdirSync(assets)
      .filter((f) => f.endsWith(".js"))
      .map((f) => readFileSync(join(assets, f), "utf8"))
      .join("\n");
    expect(js).toContain("job:snapshot");
    // Messages of schemas only the Worker and the worker SDK validate with.
    expect(js).not.toContain("give either percent");
    expect(js).not.toContain("kind is 1-64 chars");
  }, 120_000);

  it.skipIf(!hasChromium() && !browserRequired)(
    `shows a job's progress reaching 100 % and its download link in Chromium, through the installed useExportJob (needs ${CHROMIUM_PATH})`,
    async () => {
      const [backendPort, previewPort] = [await freePort(), await freePort()];
      const backend = start(app, process.execPath, ["server.ts"], {
        TRACKER_URL: server.url,
        TRACKER_API_KEY: server.apiKey,
        PORT: String(backendPort),
      });
      const preview = start(app, "npx", ["vite", "preview", "--host", "127.0.0.1", "--port", String(previewPort), "--strictPort"], {
        BACKEND_URL: `http://127.0.0.1:${backendPort}`,
      });
      const browser = await launchChromium();
      let worker: ReturnType<typeof start> | undefined;
      const page = `http://127.0.0.1:${previewPort}`;
      const logs = () => `backend:\n${backend.output()}\npreview:\n${preview.output()}\nworker:\n${worker?.output() ?? "not started"}`;
      try {
        await waitForUrl(`http://127.0.0.1:${backendPort}/`, logs);
        await waitForUrl(page, logs);
        const create = (order = "42") => fetch(`${page}/my-backend/exports?order=${order}`, { method: "POST" });
        const first = await create();
        expect(first.status, logs()).toBe(201);
        const { id } = (await first.json()) as { id: string };
        // The order id is the Idempotency-Key: the same order is the same job.
        expect(((await (await create()).json()) as { id: string }).id).toBe(id);

        const tab = await browser.context.newPage();
        // The job list's page loads, counted to show that later rows come from the feed.
        let pagesLoaded = 0;
        tab.on("response", (response) => void (response.url().includes("/my-backend/jobs") && pagesLoaded++));
        await tab.goto(`${page}/?job=${id}`);
        // The page holds the queued job's snapshot; then the README's worker runs it.
        await tab.waitForSelector("#react progress", WAIT);
        expect(await tab.textContent("#react")).toContain("queued");
        // The README's list holds the job; a job created now appears from the owner feed, with no page reloaded.
        await tab.waitForSelector(`#list li[data-job="${id}"]`, WAIT);
        await tab.waitForSelector('#list ul[data-connection="live"]', WAIT);
        // One page on mount, one more once the feed is live; then none.
        await expect.poll(() => pagesLoaded, WAIT).toBe(2);
        const second = ((await (await create("43")).json()) as { id: string }).id;
        await tab.waitForSelector(`#list li[data-job="${second}"]`, WAIT);
        expect(await tab.textContent(`#list li[data-job="${second}"]`)).toContain("queued 0%");
        expect(pagesLoaded).toBe(2);
        worker = start(app, process.execPath, ["worker.ts"], { TRACKER_URL: server.url, WORKER_KEY: server.workerKey });
        await tab.waitForFunction(() => (document.querySelector("progress") as HTMLProgressElement | null)?.value === 100, null, JOB_WAIT);
        const link = await tab.waitForSelector("#react a", JOB_WAIT);
        expect(await link.textContent()).toBe("Download");
        const download = await fetch((await link.getAttribute("href"))!);
        expect(await download.text()).toBe(`a video of {"order":"42"}\n`);
        await tab.waitForFunction(() => document.querySelector("#vanilla")?.textContent?.startsWith("completed 100%"), null, WAIT);
        expect(await tab.textContent("#react")).toContain("completed · live");
        // The list followed both jobs to the end, live.
        for (const job of [id, second]) {
          await tab.waitForFunction((job) => document.querySelector(`#list li[data-job="${job}"]`)?.textContent?.includes("completed 100%"), job, JOB_WAIT);
        }
        expect(pagesLoaded).toBe(2);
      } catch (err) {
        const job = await fetch(`${server.url}/api/jobs`, { headers: { authorization: `Bearer ${server.apiKey}` } });
        throw new Error(`${(err as Error).message}\n${logs()}\njobs: ${await job.text()}`);
      } finally {
        await browser.close();
        await Promise.all([worker?.stop(), preview.stop(), backend.stop()]);
      }
    },
    240_000,
  );

  it.each(RUNTIMES)(
    "runs the README's worker snippet under $name: it leases a job and completes it with the bytes the snippet uploads",
    async ({ name, command }) => {
      const order = `on-${name}`;
      // An owner of its own: an earlier test's killed worker may still hold a long-poll that would lease this job.
      const owner = `runtime-${name.toLowerCase()}`;
      const [apiKey, workerKey] = (["client", "worker"] as const).map((role) => {
        const key = /^((sk|wk)_\S+)$/m.exec(server.keys("create", "--owner", owner, "--role", role, "--name", owner))?.[1];
        if (!key) throw new Error(`no ${role} key for ${owner}`);
        return key;
      });
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" } });
      const created = await api("/api/jobs", { method: "POST", body: JSON.stringify({ kind: "video.render", input: { order }, dispatch: "pull" }) });
      expect(created.status).toBe(201);
      const { job } = (await created.json()) as { job: { id: string } };
      // From the scratch app's folder, so the import resolves to the installed package in its node_modules.
      const worker = start(app, command[0]!, command.slice(1), { TRACKER_URL: server.url, WORKER_KEY: workerKey! });
      try {
        const done = await waitForJob(() => api(`/api/jobs/${job.id}`), worker.output);
        expect(done.status, worker.output()).toBe("completed");
        // A second attempt would mean the first was leased to a worker that had gone (and waited out its heartbeat timeout).
        expect(done.attempt, worker.output()).toBe(1);
        expect(await (await fetch(done.download!.url)).text()).toBe(`a video of {"order":"${order}"}\n`);
      } finally {
        await worker.stop();
      }
    },
    120_000,
  );

  /** Polls the job (`read` is its GET) until it is completed, failed or canceled; fails with the worker's output after JOB_WAIT. */
  async function waitForJob(read: () => Promise<Response>, output: () => string) {
    const deadline = Date.now() + JOB_WAIT.timeout;
    while (Date.now() < deadline) {
      const { job } = (await (await read()).json()) as { job: { status: string; attempt: number; download: { url: string } | null } };
      if (["completed", "failed", "canceled"].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the job did not finish:\n${output()}`);
  }

  it.skipIf(!hasPython && !pythonRequired)(
    "runs the Python SDK's unittest suite against the dev server: the README handler behind push dispatch, cancel, heartbeats, the lease loop, retries",
    async () => {
      const run = spawn("python3", ["-m", "unittest", "discover", "-s", "packages/python/tests", "-v"], {
        cwd: ROOT,
        env: { ...process.env, TRACKER_URL: server.url, TRACKER_API_KEY: server.apiKey, WORKER_KEY: server.workerKey, GPU_ENDPOINT_PORT: String(gpuEndpointPort), PYTHONDONTWRITEBYTECODE: "1" },
      });
      let output = "";
      run.stdout.on("data", (chunk) => (output += chunk));
      run.stderr.on("data", (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => run.on("exit", resolve));
      expect(code, output).toBe(0);
      expect(output).not.toContain("skipped");
    },
    120_000,
  );
});
