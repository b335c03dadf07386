import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** A key of owner "default", stored by test/setup.ts. */
      API_KEY: string;
      /** A key of owner "other-owner". */
      OTHER_API_KEY: string;
    }
  }
}
