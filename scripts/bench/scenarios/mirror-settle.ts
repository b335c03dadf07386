/**
 * Waits until the tracker's D1 mirror has caught up: a job's last progress
 * may wait MIRROR_INTERVAL_MS (then the alarm writes it), so D1 counts are
 * read that long, and a margin, after the last report.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { clock } from "../targets";
import type { Context } from "./context";

const MARGIN_MS = 1_000;

/** Sleeps until `lastReportAt` (clock()) + MIRROR_INTERVAL_MS + a margin. */
export async function settleMirror(ctx: Context, lastReportAt: number): Promise<void> {
  const wait = lastReportAt + ctx.trackerServer.mirrorIntervalMs + MARGIN_MS - clock();
  if (wait > 0) await sleep(wait);
}
