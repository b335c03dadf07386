/**
 * Effect: the job's row in the D1 mirror. Status changes are written at once;
 * progress at most once per MIRROR_INTERVAL_MS (the live list gets progress
 * from the owner feed, so D1 can lag). The upsert is guarded by the row's
 * version (the event seq), so late or repeated writes only move it forward.
 */
import { upsertJobRow } from "../db/jobs";
import type { AfterCommitEffect } from "./after-commit";

export const d1Mirror: AfterCommitEffect = {
  kind: "d1-mirror",
  wants({ events }) {
    // A refused callback changes nothing the row shows.
    if (events.every((e) => e.type === "job:callback_refused")) return null;
    return events.some((e) => e.type !== "job:progress" && e.type !== "job:callback_refused") ? "now" : "coalesce";
  },
  intervalMs: (config) => config.mirrorIntervalMs,
  run: ({ env, row }) => upsertJobRow(env.DB, row()),
};
