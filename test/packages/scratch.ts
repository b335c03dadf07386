/**
 * A scratch app outside the repo, as a new user would make one: the
 * packages are built and packed (`npm pack`), the tarballs installed with
 * npm beside React, Vite and TypeScript from the registry, the README's
 * snippets (examples/) copied in as its sources.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export const ROOT = join(import.meta.dirname, "../..");
export const PACKAGES = ["protocol", "client", "worker", "backend"] as const;
const run = promisify(execFile);
const rootPackage = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const versionOf = (name: string) => rootPackage.devDependencies[name] ?? rootPackage.dependencies[name];

/** Runs a command (npm, npx, node) in `cwd`; its output is in the error when it fails. */
export async function sh(cwd: string, command: string, args: string[], env: Record<string, string> = {}) {
  try {
    return await run(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
  }
}

/** Builds the packages and packs each into `dir`; answers the tarball paths by package. */
export async function packPackages(dir: string): Promise<Record<(typeof PACKAGES)[number], string>> {
  await sh(ROOT, "npm", ["run", "build:packages"]);
  const workspaces = PACKAGES.flatMap((name) => ["-w", `@export-tracker/${name}`]);
  const { stdout } = await sh(ROOT, "npm", ["pack", ...workspaces, "--pack-destination", dir, "--json"]);
  const packed = JSON.parse(stdout) as { name: string; filename: string }[];
  const path = (name: string) => join(dir, packed.find((p) => p.name === `@export-tracker/${name}`)!.filename);
  return Object.fromEntries(PACKAGES.map((name) => [name, path(name)])) as Record<(typeof PACKAGES)[number], string>;
}

/** The scratch app's folder, with the packed tarballs and the README snippets installed. */
export async function createScratchApp(): Promise<string> {
  const app = mkdtempSync(join(tmpdir(), "tracker-scratch-app-"));
  const tarballs = await packPackages(app);
  const dependencies = Object.fromEntries(PACKAGES.map((name) => [`@export-tracker/${name}`, `file:${tarballs[name]}`]));
  for (const name of ["react", "react-dom"]) dependencies[name] = versionOf(name);
  const devDependencies = Object.fromEntries(
    ["vite", "@vitejs/plugin-react", "typescript", "@types/react", "@types/react-dom", "@types/node"].map((n) => [n, versionOf(n)]),
  );
  const manifest = { name: "scratch-app", private: true, type: "module", dependencies, devDependencies };
  writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2));
  cpSync(join(import.meta.dirname, "scratch-app"), app, { recursive: true });
  cpSync(join(ROOT, "examples/react/export-progress.tsx"), join(app, "src/export-progress.tsx"));
  cpSync(join(ROOT, "examples/react/export-list.tsx"), join(app, "src/export-list.tsx"));
  cpSync(join(ROOT, "examples/vanilla/watch-export.ts"), join(app, "src/watch-export.ts"));
  cpSync(join(ROOT, "examples/backend/server.ts"), join(app, "server.ts"));
  cpSync(join(ROOT, "examples/worker/worker.ts"), join(app, "worker.ts"));
  await sh(app, "npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel", "error"]);
  return app;
}

/** A long-running child (a server, a worker) whose output is kept for failure messages. */
export function start(cwd: string, command: string, args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return {
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls `url` until it answers (any status), or fails after `timeoutMs`. */
export async function waitForUrl(url: string, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`);
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
