/**
 * `npm run bench`: the tracker against a floor, in one run. Starts two local
 * `wrangler dev` servers with their own temp state (the project's Worker, and
 * scripts/bench/floor/, a bare relay Durable Object: one storage put and one
 * send per update), drives both with the same load, interleaved, and prints
 * each figure for both, the ratio, and PASS/MISS against the targets.
 * Results also go to a JSON file. It asserts nothing about timing: the exit
 * code is 1 only when an update was lost or reordered or a request failed.
 *
 * The scenarios are in scripts/bench/scenarios/; servers, subscriber threads,
 * CPU sampling and D1 write counting beside them.
 */
import { writeFileSync } from "node:fs";
import { Stop, runMain } from "./lib/api-client";
import { parseFlags } from "./lib/flags";
import { runScenarios } from "./bench/run";

const USAGE = `usage: npm run bench -- [--quick] [--only NAMES] [--out FILE]
  --quick   fewer reports and shorter rounds (2-4 minutes), for trying the harness
  --only    comma-separated scenarios: latency,fanout,throughput,many-jobs,d1,cost,idle,channel,router (default all)
  --out     where the JSON results go (default bench-results.json)
  --bare-floor  run the floor without the static-asset routing ([assets] with run_worker_first)
            the tracker has; by default both have it, so the ratios are about the Worker and its
            object (the router scenario measures the hop itself)
  --profile DIR  also take a CPU profile of the tracker per scenario (DIR/<scenario>.cpuprofile);
            sampling slows the tracker, so do not compare a profiled run's figures
Starts its own servers on free loopback ports; needs nothing running.`;

const FLAGS = {
  quick: { type: "boolean", default: false },
  only: { type: "string", default: "" },
  out: { type: "string", default: "bench-results.json" },
  profile: { type: "string", default: "" },
  "bare-floor": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export const SCENARIOS = ["latency", "fanout", "throughput", "many-jobs", "d1", "cost", "idle", "channel", "router"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** The --only list, checked. */
function selected(only: string): ScenarioName[] {
  if (!only) return [...SCENARIOS];
  const names = only.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Stop(`unknown scenario ${unknown.join(", ")}\n${USAGE}`, 2);
  return names as ScenarioName[];
}

async function main(): Promise<void> {
  const flags = parseFlags(FLAGS, USAGE);
  const results = await runScenarios({ quick: flags.quick, scenarios: selected(flags.only), profileDir: flags.profile || undefined, bareFloor: flags["bare-floor"] });
  writeFileSync(flags.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nResults written to ${flags.out}`);
  if (results.problems.length > 0) throw new Stop(`\nproblems: ${results.problems.join("; ")}`, 1);
}

runMain(main);
