/**
 * Starts the real `wrangler dev` on a free port with its own local state, so
 * end-to-end tests speak real HTTP and WebSockets to the Worker as users do.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface DevServer {
  url: string;
  apiKey: string;
  workerKey: string;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const TSX = join(ROOT, "node_modules/.bin/tsx");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer /health within ${timeoutMs} ms:\n${output()}`);
}

/** A fresh dev server: its own D1, R2 and object state in a temp folder, its own secret, client key and worker key (owner "default"). */
export async function startDevServer(): Promise<DevServer> {
  const state = mkdtempSync(join(tmpdir(), "tracker-e2e-"));
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" };

  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);
  const createKey = (role: "client" | "worker") => {
    const args = ["scripts/keys.ts", "create", "--owner", "default", "--role", role, "--name", "e2e", "--persist-to", state];
    const run = spawnSync(TSX, args, { cwd: ROOT, env, encoding: "utf8" });
    const key = /^((sk|wk)_\S+)$/m.exec(run.stdout)?.[1];
    if (run.status !== 0 || !key) throw new Error(`${role} key creation failed:\n${run.stdout}${run.stderr}`);
    return key;
  };
  const apiKey = createKey("client");
  const workerKey = createKey("worker");

  const child = spawn(
    WRANGLER,
    [
      "dev",
      "--ip", "127.0.0.1",
      "--port", String(port),
      "--inspector-port", String(inspectorPort),
      "--persist-to", state,
      "--show-interactive-dev-session=false",
      "--var", `SIGNING_SECRET:e2e-signing-secret-${Date.now()}-0123456789`,
    ],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout!.on("data", (chunk) => (log += chunk));
  child.stderr!.on("data", (chunk) => (log += chunk));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, () => log, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, apiKey, workerKey, stop };
}
