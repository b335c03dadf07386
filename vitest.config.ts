import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd against the real Durable Object, D1 and R2 of wrangler.toml.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            SIGNING_SECRET: "test-signing-secret-0123456789abcdef",
            API_KEY: "test-api-key-0123456789",
            MAX_OUTPUT_BYTES: "1048576",
            RETRY_BACKOFF_SECONDS: "1",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      // The Worker's structured logs are shown for failing tests only.
      silent: "passed-only",
    },
  };
});
