/**
 * The reference agent (scripts/agent/agent.ts) as a child process against a dev server, as a
 * user runs it, with its output kept for the tests' assertions and failure messages.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { DevServer } from "./dev-server";

const ROOT = join(import.meta.dirname, "../..");

export interface AgentProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  log(): string;
  /** Kills it unless it already exited. */
  stop(): void;
}

/** Starts the agent on `server` with the worker key and `args` (e.g. ["--concurrency", "2"]). */
export function startAgent(server: DevServer, args: string[]): AgentProcess {
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["scripts/agent/agent.ts", "--url", server.url, ...args], {
    cwd: ROOT,
    env: { ...process.env, WORKER_KEY: server.workerKey },
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return {
    child,
    log: () => output,
    stop: () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
