/**
 * `npm run keys -- <command>`: API keys, kept hashed in D1: client keys
 * (`sk_`) of the customers' backends and worker keys (`wk_`) of their GPU
 * fleets, which lease only their owner's pull jobs. Runs SQL through `wrangler d1 execute`, so it works on the
 * local database (default) and on the deployed one (--remote).
 *
 *   create --owner NAME [--role client|worker] [--name LABEL]   prints the new key once
 *   list [--owner NAME]                  ids, owners, roles, prefixes, revoked or not
 *   revoke --id KEY_ID
 *   dev                                  the local development keys of owner "default", made on first use:
 *                                        client (.dev-api-key) and worker (.dev-worker-key)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { newApiKey, OWNER_PATTERN, recordFor, type ApiKeyRole, type NewApiKey } from "../workers/auth/api-keys";
import { API_KEY_ROLES } from "../workers/db/schema";
import { runMain, Stop } from "./lib/api-client";
import { parseFlags } from "./lib/flags";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DEV_KEY_FILES: Record<ApiKeyRole, string> = { client: `${ROOT}.dev-api-key`, worker: `${ROOT}.dev-worker-key` };

const USAGE = `usage: npm run keys -- create --owner NAME [--role client|worker] [--name LABEL] | list [--owner NAME] | revoke --id KEY_ID | dev
  --role             client (default; sk_, the client API) or worker (wk_, leases the owner's pull jobs)
  --remote           the deployed D1 database instead of the local one
  --persist-to DIR   the local state folder (as given to wrangler dev)`;

const FLAGS = {
  owner: { type: "string" },
  name: { type: "string", default: "" },
  role: { type: "string", default: "client" },
  id: { type: "string" },
  remote: { type: "boolean", default: false },
  "persist-to": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

const quote = (value: string | number | null) =>
  value === null ? "NULL" : typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`;

/** Runs SQL on the D1 database through wrangler and returns the result rows. */
function execute(sql: string, target: { remote: boolean; persistTo?: string }): Record<string, unknown>[] {
  const args = ["d1", "execute", "DB", target.remote ? "--remote" : "--local", "--json", "--command", sql];
  if (target.persistTo) args.push("--persist-to", target.persistTo);
  const run = spawnSync(`${ROOT}node_modules/.bin/wrangler`, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  if (run.status !== 0) throw new Stop(`wrangler d1 execute failed:\n${run.stdout}${run.stderr}`, 1);
  const results = JSON.parse(run.stdout) as { results: Record<string, unknown>[] }[];
  return results.flatMap((r) => r.results);
}

function insert({ row }: NewApiKey, target: { remote: boolean; persistTo?: string }): void {
  const values = [row.id, row.owner, row.name, row.role, row.keyHash, row.prefix, row.createdAt].map(quote).join(", ");
  execute(
    `INSERT OR IGNORE INTO api_keys (id, owner, name, role, key_hash, prefix, created_at) VALUES (${values})`,
    target,
  );
}

function parseRole(value: string): ApiKeyRole {
  const role = API_KEY_ROLES.find((r) => r === value);
  if (!role) throw new Stop(`--role must be one of ${API_KEY_ROLES.join(", ")}\n${USAGE}`, 2);
  return role;
}

/**
 * The local key of `role` for owner "default": the same across restarts, and
 * re-inserted each time, so a wiped local database gets it back.
 */
async function ensureDevKey(role: ApiKeyRole, target: { remote: boolean; persistTo?: string }): Promise<string> {
  const file = DEV_KEY_FILES[role];
  const saved = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  const key = saved || (await newApiKey("default", "dev", 0, role)).key;
  writeFileSync(file, `${key}\n`);
  insert(await recordFor(key, "default", `local development ${role} key`, Date.now(), role), target);
  return key;
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const flags = parseFlags(FLAGS, USAGE, args);
  const target = { remote: flags.remote, persistTo: flags["persist-to"] };
  switch (command) {
    case "create": {
      if (!flags.owner || !OWNER_PATTERN.test(flags.owner)) {
        throw new Stop(`--owner is required: 1-64 chars of a-z, 0-9, '_', '-'\n${USAGE}`, 2);
      }
      const role = parseRole(flags.role);
      const created = await newApiKey(flags.owner, flags.name, Date.now(), role);
      insert(created, target);
      console.log(`created ${role} key ${created.row.id} for owner ${created.row.owner}; the key is shown only now:\n${created.key}`);
      return;
    }
    case "list": {
      const where = flags.owner ? ` WHERE owner = ${quote(flags.owner)}` : "";
      const rows = execute(`SELECT id, owner, role, name, prefix, created_at, revoked_at FROM api_keys${where} ORDER BY created_at`, target);
      for (const r of rows) {
        const state = r.revoked_at ? `revoked ${new Date(Number(r.revoked_at)).toISOString()}` : "active";
        console.log(`${r.id}  ${r.owner}  ${r.role}  ${r.prefix}…  ${r.name || "-"}  ${new Date(Number(r.created_at)).toISOString()}  ${state}`);
      }
      if (rows.length === 0) console.log("no keys");
      return;
    }
    case "revoke": {
      if (!flags.id) throw new Stop(`--id is required\n${USAGE}`, 2);
      const rows = execute(
        `UPDATE api_keys SET revoked_at = ${Date.now()} WHERE id = ${quote(flags.id)} AND revoked_at IS NULL RETURNING id`,
        target,
      );
      if (rows.length === 0) throw new Stop(`no active key ${flags.id}`, 1);
      console.log(`revoked ${flags.id}`);
      return;
    }
    case "dev": {
      const client = await ensureDevKey("client", target);
      console.log(`Local API key (Authorization: Bearer ...): ${client}`);
      const worker = await ensureDevKey("worker", target);
      console.log(`Local worker key (the dev agent's, in .dev-worker-key): ${worker}`);
      return;
    }
    default:
      throw new Stop(USAGE, 2);
  }
}

runMain(main);
