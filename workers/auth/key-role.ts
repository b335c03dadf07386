/**
 * The rule that keeps the two kinds of API key apart: a client key (`sk_`)
 * only calls the client API, a worker key (`wk_`) only leases its owner's
 * pull jobs. A key of the wrong role is refused with 401 `wrong_key_role`
 * (the same status as an unknown key, with a code that says what to fix).
 */
import type { ApiKeyRow } from "../db/schema";
import { ApiError } from "../errors";
import type { ApiKeyRole } from "./api-keys";

const WRONG_ROLE_MESSAGES: Record<ApiKeyRole, string> = {
  client: "this is a worker key: it can only lease pull jobs; the client API needs a client key (sk_...)",
  worker: "this is a client key: leasing pull jobs needs a worker key (wk_...) of the same owner",
};

/** Refuses a key whose role is not `wanted`; returns the key otherwise. */
export function requireRole(key: ApiKeyRow, wanted: ApiKeyRole): ApiKeyRow {
  if (key.role !== wanted) throw new ApiError(401, "wrong_key_role", WRONG_ROLE_MESSAGES[wanted]);
  return key;
}
