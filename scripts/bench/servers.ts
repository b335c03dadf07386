/**
 * The servers the bench compares, each a real `wrangler dev` (the
 * project's wrangler) on a free loopback port with its own temp state:
 *   - the tracker: the project's Worker (through tracker/entry.ts, which only
 *     counts calls), migrated D1 with the bench's write-counting triggers, a
 *     fresh signing secret and a client key made as the e2e helpers make them;
 *     with the browser progress cap off, since the HTTP scenarios check every
 *     report on every socket against a floor that sends every one;
 *   - the channel tracker: the same, with the default cap (what users get),
 *     for the worker-channel scenario only;
 *   - the floor: floor/worker.ts, a bare relay object, behind the same [assets]
 *     routing as the tracker (floor/wrangler.toml), or without it (wrangler-bare.toml).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { installWriteCounters } from "./d1-writes";

export const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "node_modules/.bin");
const ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
const START_TIMEOUT_MS = 90_000;

export interface Server {
  name: "floor" | "bare-floor" | "tracker" | "channel-tracker";
  url: string;
  /** The wrangler process; workerd runs as its child. */
  pid: number;
  /** wrangler's inspector proxy for the Worker (see profiler.ts). */
  inspectorPort: number;
  /** The local state folder (D1's sqlite files are under it). */
  state: string;
  output(): string;
  stop(): Promise<void>;
}

export interface TrackerServer extends Server {
  apiKey: string;
  /** MIRROR_INTERVAL_MS of wrangler.toml: how long a job's last progress may wait for D1. */
  mirrorIntervalMs: number;
}

/** MIRROR_INTERVAL_MS as wrangler.toml sets it (the tracker runs with the project's own config). */
function mirrorIntervalMs(): number {
  const match = /^MIRROR_INTERVAL_MS\s*=\s*"(\d+)"/m.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
  if (!match) throw new Error("wrangler.toml sets no MIRROR_INTERVAL_MS");
  return Number(match[1]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** Runs a command to completion; a failure stops the bench with its output. */
function run(command: string, args: string[]): string {
  const local = join(BIN, command);
  const result = spawnSync(existsSync(local) ? local : command, args, { cwd: ROOT, env: ENV, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.slice(0, 3).join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** `wrangler dev` with `args` on a free port and `state`; resolves once /health answers. */
async function startWrangler(name: Server["name"], args: string[], state: string): Promise<Server> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(join(BIN, "wrangler"), ["dev", ...args, "--ip", "127.0.0.1", "--port", String(port),
    "--inspector-port", String(inspectorPort), "--persist-to", state, "--show-interactive-dev-session=false", "--log-level", process.env.BENCH_LOG_LEVEL ?? "warn"],
  { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (chunk) => (log = (log + chunk).slice(-20_000)));
  child.stderr!.on("data", (chunk) => (log = (log + chunk).slice(-20_000)));
  const stop = async () => {
    await kill(child);
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { name, url, pid: child.pid!, inspectorPort, state, output: () => log, stop };
    await sleep(250);
  }
  await stop();
  throw new Error(`${name}: wrangler dev did not answer /health within ${START_TIMEOUT_MS} ms:\n${log}`);
}

/** web/dist, which both the tracker and the floor serve as assets; a fresh clone has not built it yet. */
function ensureWebBuilt(): void {
  if (!existsSync(join(ROOT, "web/dist/index.html"))) run("npm", ["run", "build"]);
}

/** The floor relay: behind [assets] like the tracker (floor/wrangler.toml), or `bare` (floor/wrangler-bare.toml). */
export function startFloor(options: { bare?: boolean } = {}): Promise<Server> {
  ensureWebBuilt();
  const state = mkdtempSync(join(tmpdir(), "bench-floor-"));
  const config = options.bare ? "scripts/bench/floor/wrangler-bare.toml" : "scripts/bench/floor/wrangler.toml";
  return startWrangler(options.bare ? "bare-floor" : "floor", ["--config", config], state);
}

/**
 * A tracker: migrated local D1 with write counters, a client key, the project's config with a
 * fresh secret; `cappedProgress` keeps the default BROWSER_PROGRESS_PER_SECOND, else it is 0 (off).
 */
export async function startTracker(options: { cappedProgress?: boolean } = {}): Promise<TrackerServer> {
  ensureWebBuilt();
  const state = mkdtempSync(join(tmpdir(), "bench-tracker-"));
  run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  installWriteCounters(state);
  const keyOutput = run("tsx", ["scripts/keys.ts", "create", "--owner", "bench", "--role", "client", "--name", "bench", "--persist-to", state]);
  const apiKey = /^(sk_\S+)$/m.exec(keyOutput)?.[1];
  if (!apiKey) throw new Error(`no client key in:\n${keyOutput}`);
  const vars = {
    SIGNING_SECRET: randomBytes(32).toString("hex"),
    // The bench creates a few hundred jobs in a minute; the per-key limit is not what it measures.
    JOBS_PER_MINUTE: "100000",
    // Every report is broadcast: the HTTP scenarios match each one on every socket, as the floor sends each.
    ...(options.cappedProgress ? {} : { BROWSER_PROGRESS_PER_SECOND: "0" }),
  };
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const name = options.cappedProgress ? "channel-tracker" : "tracker";
  const server = await startWrangler(name, ["scripts/bench/tracker/entry.ts", ...varArgs], state);
  return { ...server, apiKey, mirrorIntervalMs: mirrorIntervalMs() };
}
