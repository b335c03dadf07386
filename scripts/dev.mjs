#!/usr/bin/env node
// `npm run dev`: makes .dev.vars with a fresh signing secret on first start,
// applies the local D1 migrations, makes sure the local development keys of
// owner "default" exist (client key .dev-api-key, worker key .dev-worker-key),
// builds the web app, then serves app and API on one port
// (http://localhost:8787): `wrangler dev` with DEMO_MODE on (the console's
// sign-in form comes with the dev client key filled in), beside `vite build --watch`, which rebuilds web/dist as the app's sources
// change, and, once it answers, one reference GPU worker agent
// (`npm run worker`, with the dev worker key) that runs that owner's pull jobs.
// Opt out of the agent with `npm run dev -- --no-agent` or NO_AGENT=1.
// It keeps the terminal quiet: a one-line migration summary, the bindings table once, one
// line per request, and no offline `cf` warning (see scripts/lib/dev-output.ts).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { devOutputFilter, migrationSummary } from "./lib/dev-output.ts";

const DEV_VARS = ".dev.vars";
const VITE = ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"];

if (!existsSync(DEV_VARS)) {
  writeFileSync(DEV_VARS, `# Made by npm run dev. Never commit this file.\nSIGNING_SECRET=${randomBytes(32).toString("hex")}\n`);
  console.log(`Created ${DEV_VARS} with a new signing secret.`);
}

// wrangler prints the whole table after each migration it applies: one line says it all.
const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local"], {
  encoding: "utf8",
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) {
  process.stderr.write(`${migrate.stdout}${migrate.stderr}`);
  process.exit(migrate.status ?? 1);
}
console.log(migrationSummary(migrate.stdout));

// Both dev keys (client and worker); the agent reads the worker key from .dev-worker-key.
const keys = spawnSync("tsx", ["scripts/keys.ts", "dev"], { stdio: "inherit" });
if (keys.status !== 0) process.exit(keys.status ?? 1);

const args = process.argv.slice(2);
const withAgent = !args.includes("--no-agent") && !process.env.NO_AGENT;
const wranglerArgs = args.filter((a) => a !== "--no-agent");
const portFlag = wranglerArgs.findIndex((a) => a === "--port");
const port = portFlag >= 0 ? wranglerArgs[portFlag + 1] : "8787";

// wrangler dev serves web/dist but does not build it: build once, then keep it fresh.
const build = spawnSync(VITE[0], VITE.slice(1), { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
const watch = spawn(VITE[0], [...VITE.slice(1), "--watch"], { stdio: "inherit" });

// DEMO_MODE mounts /api/demo, the stand-in customer backend the pages use (never set in wrangler.toml).
// With DEV_API_KEY, GET /api/session/dev-key (loopback only) fills the sign-in form, so one
// click signs in. Never set in wrangler.toml; a deployed console asks for a key.
const devKey = readFileSync(".dev-api-key", "utf8").trim();
const dev = spawn("wrangler", ["dev", "--var", "DEMO_MODE:true", "--var", `DEV_API_KEY:${devKey}`, "--var", "ALLOW_LOOPBACK_WEBHOOKS:true", ...wranglerArgs], {
  stdio: ["inherit", "pipe", "pipe"],
  env: {
    ...process.env,
    // Offline, fetching the `cf` object only fails (twice, with a stack: once per Miniflare
    // instance); the placeholder it falls back to is what we get anyway.
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    // A registry of this checkout's own: wrangler reprints the bindings table whenever the
    // machine-wide registry changes (any other `wrangler dev` starting or stopping), and
    // other dev servers of this project must not see our queue consumers.
    WRANGLER_REGISTRY_PATH: resolve(".wrangler/registry"),
    FORCE_COLOR: process.stdout.isTTY ? "1" : (process.env.FORCE_COLOR ?? "0"),
  },
});
for (const [from, to] of [[dev.stdout, process.stdout], [dev.stderr, process.stderr]]) {
  const show = devOutputFilter();
  createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
    if (show(line)) to.write(`${line}\n`);
  });
}
const children = [watch, dev];
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}
dev.on("exit", (code) => {
  for (const child of children) if (child !== dev) child.kill("SIGTERM");
  process.exit(code ?? 0);
});

if (withAgent) startAgentWhenUp(`http://localhost:${port}`);
else announceWhenUp(`http://localhost:${port}`);

async function waitUntilUp(url) {
  for (let i = 0; i < 240; i++) {
    if (dev.exitCode !== null) return false;
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return true;
    await sleep(500);
  }
  return false;
}

async function announceWhenUp(url) {
  if (await waitUntilUp(url)) console.log(`\nConsole: ${url} (sign in with the dev key, filled in)\n`);
}

/** Waits for /health, then runs one agent that paces frames so the progress is watchable. */
async function startAgentWhenUp(url) {
  if (!(await waitUntilUp(url))) {
    if (dev.exitCode === null) console.error("The dev server did not answer /health; no agent started.");
    return;
  }
  console.log(`\nConsole: ${url} (sign in with the dev key, filled in)`);
  console.log(`Starting a GPU worker agent for pull jobs (npm run worker; opt out with --no-agent).\n`);
  const agent = spawn("tsx", ["scripts/agent/agent.ts", "--url", url, "--pace", "100", "--name", "dev-agent"], { stdio: "inherit" });
  children.push(agent);
}
