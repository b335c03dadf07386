#!/usr/bin/env node
// `npm run dev`: makes .dev.vars with a fresh signing secret on first start,
// applies the local D1 migrations, makes sure the local development API key
// exists (.dev-api-key), builds the web app, then serves app and API on one
// port (http://localhost:8787): `wrangler dev` with the demo backend on, beside
// `vite build --watch`, which rebuilds web/dist as the app's sources change.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

const DEV_VARS = ".dev.vars";
const VITE = ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"];

if (!existsSync(DEV_VARS)) {
  writeFileSync(DEV_VARS, `# Made by npm run dev. Never commit this file.\nSIGNING_SECRET=${randomBytes(32).toString("hex")}\n`);
  console.log(`Created ${DEV_VARS} with a new signing secret.`);
}

const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local"], {
  stdio: "inherit",
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const key = spawnSync("tsx", ["scripts/keys.ts", "dev"], { stdio: "inherit" });
if (key.status !== 0) process.exit(key.status ?? 1);

// wrangler dev serves web/dist but does not build it: build once, then keep it fresh.
const build = spawnSync(VITE[0], VITE.slice(1), { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
const watch = spawn(VITE[0], [...VITE.slice(1), "--watch"], { stdio: "inherit" });

// DEMO_MODE mounts /api/demo, the stand-in customer backend the pages use (never set in wrangler.toml).
const dev = spawn("wrangler", ["dev", "--var", "DEMO_MODE:true", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    watch.kill(signal);
    dev.kill(signal);
  });
}
dev.on("exit", (code) => {
  watch.kill("SIGTERM");
  process.exit(code ?? 0);
});
