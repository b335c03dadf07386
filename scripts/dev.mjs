#!/usr/bin/env node
// `npm run dev`: makes .dev.vars with a fresh signing secret on first start,
// applies the local D1 migrations, makes sure the local development API key
// exists (.dev-api-key), then runs `wrangler dev` (http://localhost:8787).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

const DEV_VARS = ".dev.vars";

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

const dev = spawn("wrangler", ["dev", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
