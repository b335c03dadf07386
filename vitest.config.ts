import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Four projects:
 * - workers: unit and integration tests inside workerd, against the real
 *   Durable Object, D1 and R2 of wrangler.toml;
 * - e2e: Node tests that start the real `wrangler dev` and talk HTTP and
 *   WebSockets to it, as the scripts and browsers do;
 * - browser: the console in Chromium (playwright-core) against a real
 *   `wrangler dev` in DEMO_MODE serving the built web/dist;
 * - packages: the npm packages packed, installed into a scratch app outside
 *   the repo, type-checked, bundled by Vite and run in Chromium.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      // The Worker's structured logs are shown for failing tests only.
      silent: "passed-only",
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  SIGNING_SECRET: "test-signing-secret-0123456789abcdef",
                  API_KEY: "sk_test_default_owner_key_0123456789",
                  OTHER_API_KEY: "sk_test_other_owner_key_0123456789",
                  // Worker keys live in D1 like client keys (test/setup.ts); these are just the test's values.
                  WORKER_KEY: "wk_test_default_owner_key_0123456789",
                  OTHER_WORKER_KEY: "wk_test_other_owner_key_0123456789",
                  JOBS_PER_MINUTE: "1000",
                  MAX_OUTPUT_BYTES: "1048576",
                  RETRY_BACKOFF_SECONDS: "1",
                  // wrangler.toml mirrors progress to D1 every 10 s; a short interval keeps the mirror tests quick.
                  MIRROR_INTERVAL_MS: "1000",
                  // Push mode against fake providers (fetch is mocked in test/integration/push-dispatch.test.ts).
                  GPU_ENDPOINTS: "https://gpu-a.test https://gpu-b.test https://gpu-c.test",
                  GPU_ENDPOINT_TIMEOUT_MS: "300",
                  PUSH_MAX_RETRIES: "2",
                  // No owner limit for the suite at large; owner "limited" runs at most 2 (test/integration/owner-limit.test.ts).
                  MAX_RUNNING_PER_OWNER: "0",
                  OWNER_MAX_RUNNING: "limited=2",
                  // Webhooks against fake receivers (fetch is mocked in test/integration/webhook-*.test.ts).
                  WEBHOOK_TIMEOUT_MS: "300",
                  WEBHOOK_PROGRESS_INTERVAL_MS: "60000",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
            setupFiles: ["./test/setup.ts"],
          },
        },
        {
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.test.ts"],
            environment: "node",
          },
        },
        {
          test: {
            // Packs the npm packages, installs them into a scratch app outside the repo, builds it and runs it in Chromium.
            name: "packages",
            include: ["test/packages/**/*.test.ts"],
            environment: "node",
          },
        },
        {
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
          },
        },
      ],
    },
  };
});
