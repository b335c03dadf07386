/**
 * The Hono environment every route shares: the Worker's bindings and the
 * values middleware puts on the context.
 */
import type { Config } from "../config";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    /** The owner the API key speaks for. */
    owner: string;
    /** The attempt a verified callback token was minted for. */
    attempt: number;
  };
}
