/**
 * The Hono environment every route shares: the Worker's bindings and the
 * values middleware puts on the context.
 */
import type { Principal } from "../auth/principal";
import type { Config } from "../config";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    /** Who is calling: an API key's owner or a viewer token's scope. */
    principal: Principal;
    /** The owner the caller acts for. */
    owner: string;
    /** The attempt a verified callback token was minted for. */
    attempt: number;
  };
}
