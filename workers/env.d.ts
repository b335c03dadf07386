// Vars that are only ever set on the command line, never in wrangler.toml,
// so `wrangler types` cannot see them.
interface Env {
  /** "true" lets the sign-in form be prefilled with DEV_API_KEY (on loopback only); `npm run dev` sets both with --var. */
  DEMO_MODE?: string;
  DEV_API_KEY?: string;
  /** "true" lets webhooks go to loopback hosts (webhooks:listen); `npm run dev` sets it. */
  ALLOW_LOOPBACK_WEBHOOKS?: string;
}
declare namespace Cloudflare {
  interface Env {
    DEMO_MODE?: string;
    DEV_API_KEY?: string;
    ALLOW_LOOPBACK_WEBHOOKS?: string;
  }
}
