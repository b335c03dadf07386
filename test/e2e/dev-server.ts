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
  /** Runs `npm run keys -- ...args` against this server's local D1 and returns its output. */
  keys(...args: string[]): string;
  /** Stops wrangler and starts it again on the same port with the same state. */
  restart(options?: { downMs?: number }): Promise<void>;
}

export interface DevServerOptions {
  /** Extra `--var NAME:value` settings, e.g. `{ DEMO_MODE: "true" }`. */
  vars?: Record<string, string>;
  /** Also pass the client key as DEV_API_KEY (with DEMO_MODE, the console's sign-in fills it in). */
  devKey?: boolean;
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

/** Resolves once nothing listens on `port` any more. */
async function waitForPortFree(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`port ${port} still in use after ${timeoutMs} ms`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** A fresh dev server: its own D1, R2 and object state in a temp folder, its own secret, client key and worker key (owner "default"). */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const state = mkdtempSync(join(tmpdir(), "tracker-e2e-"));
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const signingSecret = `e2e-signing-secret-${Date.now()}-0123456789`;
  const env = {
    ...process.env,
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    // Offline the `cf` fetch only fails; and a registry of its own, so other dev servers on this
    // machine (same worker name, same queues) neither see this one nor make it reload.
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_REGISTRY_PATH: join(state, "registry"),
  };

  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);
  const keys = (...args: string[]) => {
    const run = spawnSync(TSX, ["scripts/keys.ts", ...args, "--persist-to", state], { cwd: ROOT, env, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`keys ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
    return run.stdout;
  };
  const createKey = (role: "client" | "worker") => {
    const key = /^((sk|wk)_\S+)$/m.exec(keys("create", "--owner", "default", "--role", role, "--name", "e2e"))?.[1];
    if (!key) throw new Error(`${role} key creation printed no key`);
    return key;
  };
  const apiKey = createKey("client");
  const workerKey = createKey("worker");

  const vars = { SIGNING_SECRET: signingSecret, ...(options.devKey ? { DEV_API_KEY: apiKey } : {}), ...options.vars };
  const args = [
    "dev",
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--inspector-port", String(inspectorPort),
    "--persist-to", state,
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  let child: ChildProcess;

  const launch = async () => {
    child = spawn(WRANGLER, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (chunk) => (log += chunk));
    child.stderr!.on("data", (chunk) => (log += chunk));
    await waitForHealth(url, child, () => log, 60_000);
  };
  const stop = async () => {
    await kill(child);
    rmSync(state, { recursive: true, force: true });
  };
  const restart = async ({ downMs = 0 } = {}) => {
    await kill(child);
    await waitForPortFree(port, 10_000);
    await new Promise((r) => setTimeout(r, downMs));
    await launch();
  };
  try {
    await launch();
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, apiKey, workerKey, keys, stop, restart };
}
