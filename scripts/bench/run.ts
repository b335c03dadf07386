/**
 * One bench run: starts the floor and the tracker side by side, the
 * subscriber threads, runs the chosen scenarios in order, stops everything
 * (also on failure; the servers' temp state goes with them, jobs and all), prints the table and answers
 * the results for the JSON file.
 */
import { cpus, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startFloor, startTracker, ROOT, type Server, type TrackerServer } from "./servers";
import { Subscribers } from "./subscribers";
import { floorTarget, trackerTarget } from "./targets";
import { FULL, QUICK, type Context, type CpuRecord } from "./scenarios/context";
import type { Figure } from "./scenarios/figures";
import { fanOut } from "./scenarios/fan-out";
import { cost } from "./scenarios/cost";
import { d1Rate } from "./scenarios/d1-rate";
import { idle } from "./scenarios/idle";
import { latency } from "./scenarios/latency";
import { manyJobs } from "./scenarios/many-jobs";
import { throughput } from "./scenarios/throughput";
import { channel } from "./scenarios/channel";
import { router } from "./scenarios/router";
import { printTable, type Results } from "./report";
import { Profiler } from "./profiler";
import type { ScenarioName } from "../bench";

const SUBSCRIBER_THREADS = 2;

export interface ScenarioOutcome {
  figures: Figure[];
  cpu: CpuRecord[];
  problems?: string[];
  notes?: string[];
  details?: unknown;
}

type Scenario = (ctx: Context) => Promise<ScenarioOutcome>;

const SCENARIO_RUNS: Partial<Record<ScenarioName, Scenario>> = {
  latency,
  fanout: fanOut,
  throughput,
  "many-jobs": manyJobs,
  d1: d1Rate,
  cost,
  idle,
  channel,
  router,
};

const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

export interface RunOptions {
  quick: boolean;
  scenarios: ScenarioName[];
  profileDir?: string;
  /** Run the floor without the [assets] routing the tracker has (floor/wrangler-bare.toml). */
  bareFloor?: boolean;
}

export async function runScenarios(options: RunOptions): Promise<Results> {
  const started = Date.now();
  const sizes = options.quick ? QUICK : FULL;
  console.log(`npm run bench${options.quick ? " --quick" : ""}: starting the floor and the tracker (wrangler dev, temp state)...`);
  const servers: Server[] = [];
  let subscribers: Subscribers | null = null;
  let profiler: Profiler | null = null;
  const outcomes: Record<string, ScenarioOutcome> = {};
  try {
    const withChannel = options.scenarios.includes("channel");
    const withRouter = options.scenarios.includes("router");
    const bare = options.bareFloor ?? false;
    const [floor, tracker, channelServer, otherFloor] = await Promise.all([
      startFloor({ bare }),
      startTracker(),
      withChannel ? startTracker({ cappedProgress: true }) : null,
      withRouter ? startFloor({ bare: !bare }) : null,
    ]);
    servers.push(floor, tracker, ...(channelServer ? [channelServer] : []), ...(otherFloor ? [otherFloor] : []));
    console.log(
      `floor${bare ? " (bare)" : ""} ${floor.url}, tracker ${tracker.url}${channelServer ? `, channel tracker ${channelServer.url}` : ""}` +
        `${otherFloor ? `, ${bare ? "floor behind [assets]" : "bare floor"} ${otherFloor.url}` : ""} ` +
        `(started in ${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    subscribers = new Subscribers(SUBSCRIBER_THREADS);
    if (options.profileDir) profiler = await Profiler.connect(tracker.inspectorPort);
    const ctx: Context = {
      floor: floorTarget<"floor">(floor),
      bareFloor: bare,
      otherFloor: otherFloor ? floorTarget<"other-floor">(otherFloor, "other-floor") : null,
      tracker: trackerTarget(tracker as TrackerServer),
      trackerServer: tracker as TrackerServer,
      channelServer,
      subscribers,
      sizes,
    };
    for (const name of options.scenarios) {
      const run = SCENARIO_RUNS[name];
      if (!run) continue;
      const t0 = Date.now();
      console.log(`\n== ${name}`);
      await profiler?.start();
      outcomes[name] = await run(ctx);
      if (profiler) outcomes[name].notes = [...(outcomes[name].notes ?? []), ...(await profiler.stop(options.profileDir!, name))];
      console.log(`   done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } catch (err) {
    for (const s of servers) console.error(`\n--- last output of ${s.name} ---\n${s.output().slice(-4000)}`);
    throw err;
  } finally {
    profiler?.close();
    await subscribers?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  }
  const results: Results = {
    when: new Date().toISOString(),
    quick: options.quick,
    bareFloor: options.bareFloor ?? false,
    seconds: Math.round((Date.now() - started) / 1000),
    machine: { cpu: cpus()[0]?.model.trim() ?? "unknown", cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30) },
    versions: { node: process.version, wrangler: version("wrangler"), workerd: version("workerd") },
    outcomes,
    problems: Object.values(outcomes).flatMap((o) => o.problems ?? []),
  };
  printTable(results);
  return results;
}
