#!/usr/bin/env node
// `npm run dev`: makes .dev.vars with fresh secrets on first start, applies the
// local D1 migrations, then runs `wrangler dev` (http://localhost:8787).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const DEV_VARS = ".dev.vars";

if (!existsSync(DEV_VARS)) {
  const apiKey = `sk_dev_${randomBytes(18).toString("base64url")}`;
  writeFileSync(
    DEV_VARS,
    `# Made by npm run dev. Never commit this file.\nSIGNING_SECRET=${randomBytes(32).toString("hex")}\nAPI_KEY=${apiKey}\n`,
  );
  console.log(`Created ${DEV_VARS} with a new signing secret and API key.`);
}
const apiKey = /^API_KEY=(.*)$/m.exec(readFileSync(DEV_VARS, "utf8"))?.[1];
console.log(`Local API key (Authorization: Bearer ...): ${apiKey}`);

const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local"], {
  stdio: "inherit",
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const dev = spawn("wrangler", ["dev", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
