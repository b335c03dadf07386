/**
 * Bridge until access control lands: lets GET /api/jobs (the owner's list)
 * be read with an owner-scoped viewer token as well as the API key, which is
 * the contract the browser app is written against. Main's principal
 * middleware replaces this module on merge.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/context";
import { bearerToken, requireApiKey } from "./api-key";
import { verifyViewerToken } from "./viewer-token";

/** The API key, or an owner-scoped viewer token (read-only), names the owner. */
export const requireApiKeyOrOwnerViewer = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token?.startsWith("vt1.")) return requireApiKey(c, next);
  const check = await verifyViewerToken(c.var.config.signingSecret, token, Date.now());
  if (!check.ok) throw new ApiError(401, `token_${check.reason}`, `the viewer token is ${check.reason}`);
  if (check.scope.jobId !== null) throw new ApiError(403, "token_scope", "this viewer token is for one job only");
  c.set("owner", check.scope.owner);
  await next();
});
