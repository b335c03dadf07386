import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { recordFor, type ApiKeyRole } from "../workers/auth/api-keys";
import { insertApiKey } from "../workers/db/api-keys";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// The keys the tests use: a client and a worker key of the default owner, and of another owner.
for (const [key, owner, role] of [
  [env.API_KEY, "default", "client"],
  [env.OTHER_API_KEY, "other-owner", "client"],
  [env.WORKER_KEY, "default", "worker"],
  [env.OTHER_WORKER_KEY, "other-owner", "worker"],
] as const satisfies readonly (readonly [string, string, ApiKeyRole])[]) {
  await insertApiKey(env.DB, (await recordFor(key, owner, "test", Date.now(), role)).row);
}
