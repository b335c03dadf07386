/**
 * The Python worker SDK (packages/python) against the real `wrangler dev`:
 * runs its unittest suite with the server's URL and keys, which drives the
 * README's RunPod-style handler, cancel, heartbeats and the lease loop.
 * Python 3 comes from Debian (CI installs it when missing); without it the
 * test is skipped with a message, unless REQUIRE_PYTHON=1.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "./dev-server";

const ROOT = join(import.meta.dirname, "../..");
const hasPython = spawnSync("python3", ["--version"]).status === 0;
const pythonRequired = process.env.REQUIRE_PYTHON === "1" || process.env.CI === "true";

if (!hasPython && !pythonRequired) process.stderr.write("\n[python-sdk] SKIPPED: no python3 (apt-get install python3)\n");

describe.skipIf(!hasPython && !pythonRequired)("the Python worker SDK against wrangler dev", () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer();
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("passes its unittest suite: the README handler, cancel, heartbeats, the lease loop and retries", async () => {
    const run = spawn("python3", ["-m", "unittest", "discover", "-s", "packages/python/tests", "-v"], {
      cwd: ROOT,
      env: { ...process.env, TRACKER_URL: server.url, TRACKER_API_KEY: server.apiKey, WORKER_KEY: server.workerKey },
    });
    let output = "";
    run.stdout.on("data", (chunk) => (output += chunk));
    run.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => run.on("exit", resolve));
    expect(code, output).toBe(0);
    expect(output).not.toContain("skipped");
  }, 120_000);
});
