/**
 * Which process used the CPU: samples /proc/<pid>/stat (user + system time)
 * of the load generator (and each of its threads), each server's wrangler
 * process and its descendants (workerd), and answers each one's share of a
 * core over an interval. A share near 100 % means that process (or thread)
 * was the bottleneck.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU ticks used so far by a process or thread, or null when it is gone. */
function ticks(path: string): number | null {
  try {
    const stat = readFileSync(path, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

/** `root` and every process below it. */
function tree(root: number): number[] {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  const found = [root];
  for (let grew = true; grew; ) {
    grew = false;
    for (const pid of all) {
      if (!found.includes(pid) && found.includes(parentOf(pid) ?? -1)) {
        found.push(pid);
        grew = true;
      }
    }
  }
  return found;
}

export interface CpuShare {
  /** e.g. "tracker workerd (1234)", "generator thread 5678". */
  name: string;
  /** Percent of one core over the interval. */
  percent: number;
}

interface Watched {
  name: string;
  path: string;
}

/** The processes (and generator threads) to watch: `servers` by name and root pid. */
function watched(servers: { name: string; pid: number }[]): Watched[] {
  const list: Watched[] = [{ name: `generator, all threads (${process.pid})`, path: `/proc/${process.pid}/stat` }];
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    const which = Number(tid) === process.pid ? "main thread" : `thread ${tid}`;
    list.push({ name: `generator ${which}`, path: `/proc/${process.pid}/task/${tid}/stat` });
  }
  for (const { name, pid } of servers) {
    for (const p of tree(pid)) list.push({ name: `${name} ${commandOf(p)} (${p})`, path: `/proc/${p}/stat` });
  }
  return list;
}

/** Busy and total jiffies of all cores, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle, iowait
  return { busy: total - idle, total };
}

/** Starts sampling; `stop()` answers each watched process's share of a core since then, highest first. */
export function sampleCpu(servers: { name: string; pid: number }[]): { stop(): CpuShare[] } {
  const list = watched(servers);
  const start = list.map((w) => ticks(w.path));
  const machineStart = machineTicks();
  const startedAt = performance.now();
  return {
    stop() {
      const machine = machineTicks();
      const machineBusy = Math.round(((machine.busy - machineStart.busy) / Math.max(1, machine.total - machineStart.total)) * 100);
      const seconds = (performance.now() - startedAt) / 1000;
      const shares = list.map((w, i) => {
        const used = (ticks(w.path) ?? start[i] ?? 0) - (start[i] ?? 0);
        return { name: w.name, percent: seconds > 0 ? Math.round((used / TICKS_PER_SECOND / seconds) * 100) : 0 };
      });
      const busiest = shares.filter((s) => s.percent >= 5).sort((a, b) => b.percent - a.percent);
      return [...busiest, { name: `machine (all ${cpus().length} cores, every process)`, percent: machineBusy }];
    },
  };
}

/** The shares that saturated a core: a thread or single-threaded process at 90 % or more (not the generator's sum of threads). */
export const saturatedShares = (shares: CpuShare[]) =>
  shares.filter((s) => s.percent >= 90 && !s.name.startsWith("generator, all") && !s.name.startsWith("machine"));
