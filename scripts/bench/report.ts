/**
 * What the benchmark prints: each run's figures as it ends, then the Markdown
 * summary (environment, one table, the delivery verdict) to paste into the
 * README.
 */
import { cpus } from "node:os";
import { ms, perSecond, summarize, type Summary } from "../lib/stats";
import { deliveryProblems } from "./delivery";
import type { FanOutResult, RunResult } from "./measures";

const fmt = (s: Summary | null) => (s ? `p50 ${ms(s.p50)} ms  p95 ${ms(s.p95)} ms  p99 ${ms(s.p99)} ms  max ${ms(s.max)} ms` : "no samples");
const cutNote = (r: { cutShort: boolean }) => (r.cutShort ? "  (cut short by the time limit)" : "");

/** A run's count, elapsed time and rate, then its round-trip percentiles. */
export function printRoundTrips(label: string, r: RunResult): void {
  console.log(`   ${label}: ${r.roundTrips.length} reports in ${ms(r.elapsedMs)} ms, ${perSecond(r.roundTrips.length, r.elapsedMs)} reports/s${cutNote(r)}`);
  console.log(`   ${" ".repeat(label.length)}  ${fmt(summarize(r.roundTrips))}`);
}

/** The fan-out run: its round trips, the delivery delays, and the delivery counts. */
export function printFanOut(r: FanOutResult): void {
  printRoundTrips("callback round trip", r);
  const d = r.delivery;
  console.log(`   delay, callback sent -> watcher got job:progress: ${d.delays.length} (event, watcher) pairs${cutNote(r)}`);
  console.log(`      ${fmt(summarize(d.delays))}`);
  const judged = r.cutShort ? " (missing not judged: cut short)" : "";
  console.log(
    `   delivery: ${r.watchers} watchers x ${r.events} events: ${d.missing} missing${judged}, ${d.outOfOrder} out of order, ` +
      `${d.seqGaps} seq gaps, ${d.invalid} invalid frames, ${d.closedEarly} closed early`,
  );
}

/** What the table names: the server and the sizes the runs were asked for. */
export interface Setup {
  origin: string;
  watchers: number;
  jobs: number;
  perJob: number;
}

/** The three runs' results; null for a run the time limit skipped. */
export interface Runs {
  latency: RunResult | null;
  fanOut: FanOutResult | null;
  concurrency: RunResult | null;
}

type Row = [measure: string, result: RunResult | null, samples: number[], throughput: boolean];

/** The Markdown summary: environment, one table, and the delivery check. */
export function printTable({ origin, watchers, jobs, perJob }: Setup, { latency, fanOut, concurrency }: Runs): void {
  const rows: Row[] = [
    ["Progress callback round trip, one job, in turn", latency, latency?.roundTrips ?? [], true],
    [`Progress callback round trip, one job with ${watchers} watchers`, fanOut, fanOut?.roundTrips ?? [], true],
    [`Fan-out: callback sent → each of ${watchers} watchers got \`job:progress\``, fanOut, fanOut?.delivery.delays ?? [], false],
    [`Progress callback round trip, ${jobs} jobs × ${perJob} reports at once`, concurrency, concurrency?.roundTrips ?? [], true],
  ];
  const cpu = cpus();
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  console.log(`\n--- Markdown ---\n`);
  console.log(
    `Measured with \`npm run bench\` on ${cpu[0]?.model.trim() ?? "unknown CPU"} (${cpu.length} CPUs), ` +
      `Node ${process.version}, ${date} UTC, against the local dev server at ${origin}.\n`,
  );
  console.log("| Measure | Samples | p50 ms | p95 ms | p99 ms | max ms | Reports/s |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [measure, result, samples, throughput] of rows) {
    if (!result) {
      console.log(`| ${measure} (skipped: time limit) | 0 | – | – | – | – | – |`);
      continue;
    }
    const s = summarize(samples);
    const cells = s ? [ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)] : ["–", "–", "–", "–"];
    const rate = throughput ? perSecond(result.roundTrips.length, result.elapsedMs) : "–";
    console.log(`| ${measure}${result.cutShort ? " (cut short)" : ""} | ${samples.length} | ${cells.join(" | ")} | ${rate} |`);
  }
  if (fanOut) {
    const problems = deliveryProblems(fanOut.delivery, fanOut.cutShort);
    console.log(
      problems.length === 0
        ? `\nEvery watcher got every \`job:progress\` in seq order, with no gaps.`
        : `\nDelivery problems: ${problems.join(", ")}.`,
    );
  }
}
