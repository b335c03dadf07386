// Vars that are only ever set on the command line, never in wrangler.toml,
// so `wrangler types` cannot see them.
interface Env {
  /** "true" mounts /api/demo, the stand-in customer backend; `npm run dev` sets it with --var. */
  DEMO_MODE?: string;
  /** "true" lets webhooks go to loopback hosts (webhooks:listen); `npm run dev` sets it. */
  ALLOW_LOOPBACK_WEBHOOKS?: string;
}
declare namespace Cloudflare {
  interface Env {
    DEMO_MODE?: string;
    ALLOW_LOOPBACK_WEBHOOKS?: string;
  }
}
