/**
 * What the bench prints at the end: one Markdown table of every figure for
 * the floor and the tracker with the ratio, the target and PASS/MISS; the
 * notes; and which process saturated a core in which scenario.
 */
import { goalText, ratio, verdict, type Figure } from "./scenarios/figures";
import type { ScenarioOutcome } from "./run";

export interface Results {
  when: string;
  quick: boolean;
  /** The floor ran without the [assets] routing the tracker has (--bare-floor). */
  bareFloor: boolean;
  seconds: number;
  machine: { cpu: string; cores: number; memoryGb: number };
  versions: Record<string, string>;
  outcomes: Record<string, ScenarioOutcome>;
  problems: string[];
}

const num = (n: number | null, unit: string) => {
  if (n === null) return "–";
  if (unit === "yes/no") return n ? "yes" : "no";
  const digits = unit === "ms" ? (n < 100 ? 1 : 0) : Math.abs(n) < 10 && !Number.isInteger(n) ? 2 : 0;
  return n.toFixed(digits);
};

function row(f: Figure): string {
  const r = ratio(f);
  const v = verdict(f);
  return `| ${f.scenario} | ${f.label} | ${f.unit} | ${num(f.floor, f.unit)} | ${num(f.tracker, f.unit)} | ${r === null ? "–" : `${r.toFixed(2)}x`} | ${goalText(f.goal)} | ${v ?? ""} |`;
}

/** The CPU line of a scenario: the busiest processes of each target's runs, and what saturated a core. */
function cpuLine(name: string, o: ScenarioOutcome): string {
  const parts = (["floor", "tracker"] as const).map((target) => {
    const runs = o.cpu.filter((c) => c.target === target);
    const top = new Map<string, number>();
    for (const run of runs) {
      for (const s of run.shares) {
        const key = s.name.replace(/ \(\d+\)$/, "");
        top.set(key, Math.max(top.get(key) ?? 0, s.percent));
      }
    }
    const machine = top.get([...top.keys()].find((k) => k.startsWith("machine")) ?? "");
    const busiest = [...top].filter(([n]) => !n.startsWith("machine")).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, p]) => `${n} ${p}%`);
    if (machine !== undefined) busiest.push(`machine ${machine}% busy`);
    const saturated = [...new Set(runs.flatMap((r) => r.saturated))];
    return `${target}: ${busiest.join(", ") || "–"}${saturated.length ? `; saturated: ${saturated.join(", ")}` : ""}`;
  });
  return `- ${name}: ${parts.join(" | ")}`;
}

const flagsOf = (r: Results) => {
  const flags = [r.quick && "--quick", r.bareFloor && "--bare-floor"].filter(Boolean);
  return flags.length > 0 ? ` -- ${flags.join(" ")}` : "";
};

export function printTable(results: Results): void {
  console.log(`\n--- Markdown ---\n`);
  console.log(
    `\`npm run bench${flagsOf(results)}\`, ${results.when.slice(0, 16).replace("T", " ")} UTC, ${results.seconds} s; ` +
      `${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGb} GB; ` +
      Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join(", ") + ".\n",
  );
  console.log("| scenario | figure | unit | floor | tracker | tracker/floor | target | |");
  console.log("| --- | --- | --- | ---: | ---: | ---: | --- | --- |");
  const figures = Object.values(results.outcomes).flatMap((o) => o.figures);
  for (const f of figures) console.log(row(f));
  const judged = figures.filter((f) => verdict(f) !== null);
  console.log(`\nTargets: ${judged.filter((f) => verdict(f) === "PASS").length} of ${judged.length} PASS` +
    (judged.some((f) => verdict(f) === "MISS") ? `; MISS: ${judged.filter((f) => verdict(f) === "MISS").map((f) => `${f.scenario} ${f.label}`).join(", ")}` : "") + ".");
  const notes = Object.entries(results.outcomes).flatMap(([name, o]) => (o.notes ?? []).map((n) => `- ${name}: ${n}`));
  if (notes.length) console.log(`\nNotes:\n${notes.join("\n")}`);
  console.log(`\nCPU (share of one core, busiest per target, highest of its rounds; a thread or workerd at >= 90 % saturated a core; machine: all cores, every process):`);
  for (const [name, o] of Object.entries(results.outcomes)) console.log(cpuLine(name, o));
  if (results.problems.length) console.log(`\nProblems: ${results.problems.join("; ")}`);
}
