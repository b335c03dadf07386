/**
 * GET /health for load balancers, and GET /api/stats: the owner's job counts by
 * status, the owner's dispatch queue and the GPU endpoints' health.
 */
import { Hono } from "hono";
import { requireOwnerScope, requireReader } from "../auth/principal";
import { guardD1 } from "../db/d1-guard";
import { countJobsByStatus } from "../db/jobs";
import { dispatchStats } from "../dispatch/dispatch-stats";
import type { AppEnv } from "../http/context";
import { JOB_STATUSES, type StatsResponse } from "../protocol";

export const healthRoutes = new Hono<AppEnv>()
  .get("/health", (c) => c.json({ ok: true }))
  .get("/api/stats", requireReader(), requireOwnerScope, async (c) => {
    const counts = await guardD1("jobs.count", c.var.config.d1TimeoutMs, () => countJobsByStatus(c.env.DB, c.var.owner));
    const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, counts[s] ?? 0])) as StatsResponse["jobs"]["by_status"];
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const dispatch = await dispatchStats(c.env, c.var.config, c.var.owner);
    return c.json({ jobs: { total, by_status: byStatus }, dispatch } satisfies StatsResponse);
  });
