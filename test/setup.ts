import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { recordFor } from "../workers/auth/api-keys";
import { insertApiKey } from "../workers/db/api-keys";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// The keys the tests use: one of the default owner, one of another owner.
for (const [key, owner] of [
  [env.API_KEY, "default"],
  [env.OTHER_API_KEY, "other-owner"],
] as const) {
  await insertApiKey(env.DB, (await recordFor(key, owner, "test", Date.now())).row);
}
