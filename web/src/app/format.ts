/** Number and time formats that keep their width as values change. */

/** "0:07", "12:34", "1:02:03". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** "512 B", "1.5 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A whole percent, floored so 100 % only shows when it is done. */
export function formatPercent(percent: number): string {
  return `${Math.floor(Math.min(100, Math.max(0, percent)))}%`;
}

/** Seconds left from the server's estimate, counted down since it was made. */
export function remainingSeconds(etaSeconds: number | null, estimatedAt: string | null, now: number): number | null {
  if (etaSeconds === null || estimatedAt === null) return null;
  return Math.max(0, etaSeconds - (now - Date.parse(estimatedAt)) / 1000);
}

/** Seconds the job has been going (or went), from its first start. */
export function elapsedSeconds(job: { started_at: string | null; finished_at: string | null }, now: number): number | null {
  if (job.started_at === null) return null;
  const end = job.finished_at === null ? now : Date.parse(job.finished_at);
  return (end - Date.parse(job.started_at)) / 1000;
}

/** "3 min ago" style, for list rows. */
export function formatAgo(iso: string, now: number): string {
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** "job_abcd…wxyz": enough of an id to tell rows apart at a glance. */
export function shortId(id: string): string {
  return id.length > 18 ? `${id.slice(0, 12)}…${id.slice(-4)}` : id;
}

/** "14:03:07" in the viewer's time zone, for timelines. */
export function formatClock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

/** "Dec 2, 14:03:07". */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleDateString([], { month: "short", day: "numeric" })}, ${formatClock(iso)}`;
}
