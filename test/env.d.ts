import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** A client key of owner "default", stored by test/setup.ts. */
      API_KEY: string;
      /** A client key of owner "other-owner". */
      OTHER_API_KEY: string;
      /** A worker key of owner "default". */
      WORKER_KEY: string;
      /** A worker key of owner "other-owner". */
      OTHER_WORKER_KEY: string;
    }
  }
}
