/**
 * The worker channel (issue 11) beside the floor, in the same run. The
 * tracker side is the channel tracker: the project with the default browser
 * progress cap (30 `job:progress` messages a second per job), what users get.
 *   - Throughput: one job, ten browser sockets. The floor takes HTTP progress
 *     callbacks from 16 callers (as in the throughput scenario); the tracker
 *     takes reports over one worker channel with 32 in flight. Acknowledged
 *     reports/s each (target: the channel >= 3x the floor's HTTP).
 *   - Lost or reordered: the floor must deliver every acknowledged report to
 *     every socket. The channel's browsers get merged progress, so there
 *     "lost" is a socket whose last progress is not the last acked report, a
 *     stored job that does not show it, or a seq gap on a socket; "reordered"
 *     is a seq not above the one before, or an ack out of send order.
 *   - Report -> browser, paced: one report per 40 ms (longer than the cap's
 *     34 ms interval, so none is held back), sent -> the socket has it; the
 *     floor over HTTP, the tracker over the channel (target: <= the floor).
 *     And under the throughput load, for the values browsers were shown.
 *   - Cancel: a job with ten browser sockets, running for 250 ms (its
 *     worker's heartbeat acked), then `POST /cancel` -> the worker's channel
 *     has `canceled` (target: p99 < 50 ms); in turn with them, jobs canceled
 *     the moment their start was acked, shown beside.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { sampleCpu, saturatedShares } from "../cpu";
import { spanNote, trackerCounts } from "../counts";
import type { ScenarioOutcome } from "../run";
import type { TrackerServer } from "../servers";
import { clock, type BenchJob } from "../targets";
import { channelJob, disorderedAcks, emptyLoad, sustainChannel, timeCancel, viewerToken, type ChannelJob } from "./channel-jobs";
import { nextKey, type Context, type CpuRecord } from "./context";
import { distribution, type Figure } from "./figures";
import { addAcked, sustain } from "./load";
import { settleDelivery } from "./settle";

const SOCKETS = 10;
const WINDOW = 32;
const PACE_MS = 40;
const WARM_UP = 5;
const WAIT_MS = 10_000;
/** How long a job has run when it is canceled (the target's case); the other half are canceled at once. */
const RUNNING_MS = 250;
const SCENARIO = `channel (1 job, ${SOCKETS} sockets)`;

type Side = "floor" | "tracker";
const sides = (round: number): Side[] => (round % 2 === 0 ? ["floor", "tracker"] : ["tracker", "floor"]);

/** Runs `body` per side in alternating order for `rounds`, sampling the CPU of the floor and the channel tracker. */
async function alternate(ctx: Context, server: TrackerServer, rounds: number, body: (side: Side) => Promise<void>): Promise<CpuRecord[]> {
  const records: CpuRecord[] = [];
  const watched = [ctx.floor.server, server].map((s) => ({ name: s.name, pid: s.pid }));
  for (let round = 0; round < rounds; round++) {
    for (const side of sides(round)) {
      const cpu = sampleCpu(watched);
      await body(side);
      const shares = cpu.stop();
      records.push({ target: side, round, shares, saturated: saturatedShares(shares).map((s) => `${s.name} ${s.percent}%`) });
    }
  }
  return records;
}

/** Each arrival's ms since its report was sent, for the reports `sentAt` knows. */
async function latencies(ctx: Context, group: string, sentAt: Map<string, number>): Promise<number[]> {
  return (await ctx.subscribers.arrivals(group)).flatMap(([key, at]) => (sentAt.has(key) ? [at - sentAt.get(key)!] : []));
}

async function storedMessage(server: TrackerServer, id: string): Promise<string | null> {
  const res = await fetch(`${server.url}/api/jobs/${id}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  return ((await res.json()) as { job: { progress: { message: string | null } } }).job.progress.message;
}

/** Throughput, loss and order, and latency under load, for both sides. */
async function sustained(ctx: Context, server: TrackerServer, token: string) {
  const { channelRounds: rounds, channelRoundSeconds: seconds, callers } = ctx.sizes;
  const floorJob = await ctx.floor.newJob();
  const trackerJob = await channelJob(server, token);
  const groups = { floor: "channel-floor", tracker: "channel-tracker" };
  ctx.floor.requestsSent += SOCKETS;
  await ctx.subscribers.open(groups.floor, Array.from({ length: SOCKETS }, () => floorJob.wsUrl));
  await ctx.subscribers.open(groups.tracker, Array.from({ length: SOCKETS }, () => trackerJob.wsUrl));
  const floor = { acked: [] as string[][], sentAt: new Map<string, number>(), seconds: 0, errors: 0, firstError: null as string | null };
  const channel = emptyLoad();
  const spansBefore = await trackerCounts(server.url);
  const cpu = await alternate(ctx, server, rounds, async (side) => {
    if (side === "tracker") return sustainChannel(trackerJob, WINDOW, seconds, channel);
    const round = await sustain([floorJob], callers, seconds, floor.sentAt);
    addAcked(floor.acked, round.acked);
    floor.seconds += round.seconds;
    floor.errors += round.errors;
    floor.firstError ??= round.firstError;
  });
  const spans = spanNote(spansBefore, await trackerCounts(server.url));
  const floorAcked = floor.acked[0] ?? [];
  const floorCheck = await settleDelivery(ctx, groups.floor, () => floorAcked);
  const lastKey = channel.acked.at(-1)?.key;
  // The newest value reaches browsers with the next report after the interval or from the alarm at its end.
  const trackerCheck = await settleDelivery(ctx, groups.tracker, () => (lastKey ? [lastKey] : []));
  const stored = await storedMessage(server, trackerJob.id);
  const result = {
    floor: {
      perSecond: floorAcked.length / floor.seconds,
      framesPerSocket: floorCheck.frames / SOCKETS / floor.seconds,
      lost: floorCheck.lost + floorCheck.gaps,
      reordered: floorCheck.reordered,
      errors: floor.errors,
      firstError: floor.firstError,
      underLoad: await latencies(ctx, groups.floor, floor.sentAt),
    },
    tracker: {
      perSecond: channel.acked.length / channel.seconds,
      framesPerSocket: trackerCheck.frames / SOCKETS / channel.seconds,
      lost: trackerCheck.lost + trackerCheck.gaps + (lastKey !== undefined && stored !== lastKey ? 1 : 0),
      reordered: trackerCheck.reordered + disorderedAcks(channel.acked),
      errors: channel.errors,
      firstError: channel.firstError,
      underLoad: await latencies(ctx, groups.tracker, channel.sentAt),
    },
  };
  for (const group of Object.values(groups)) await ctx.subscribers.close(group);
  trackerJob.channel.close();
  const note = `${rounds} x ${seconds} s per side; floor ${floorAcked.length} HTTP callbacks from ${callers} callers, ` +
    `tracker ${channel.acked.length} of ${channel.sent} channel reports acked (${WINDOW} in flight); ` +
    `the tracker's sockets got ${trackerCheck.frames} progress messages (the cap merged the rest), ${trackerCheck.gaps} seq gaps, ` +
    `stored job shows the last acked report: ${stored === lastKey ? "yes" : "no"}; tracker time inside workerd: ${spans}`;
  return { result, cpu, note };
}

/** One paced report in turn per side: sent -> the one socket has it. */
async function paced(ctx: Context, server: TrackerServer, token: string) {
  const floorJob: BenchJob = await ctx.floor.newJob();
  const trackerJob: ChannelJob = await channelJob(server, token);
  const groups = { floor: "channel-paced-floor", tracker: "channel-paced-tracker" };
  ctx.floor.requestsSent += 1;
  await ctx.subscribers.open(groups.floor, [floorJob.wsUrl]);
  await ctx.subscribers.open(groups.tracker, [trackerJob.wsUrl]);
  const samples: Record<Side, number[]> = { floor: [], tracker: [] };
  const send = async (side: Side, record: boolean) => {
    const key = nextKey();
    const sentAt = clock();
    const report = { percent: 50, message: key };
    const answered = side === "floor" ? floorJob.report(report) : trackerJob.channel.send({ type: "progress", ...report });
    const [{ arrivals }] = await Promise.all([ctx.subscribers.waitFor(groups[side], key, WAIT_MS), answered]);
    if (arrivals.length !== 1) throw new Error(`channel: the ${side} socket never got ${key}`);
    if (record) samples[side].push(arrivals[0]! - sentAt);
    await sleep(Math.max(0, sentAt + PACE_MS - clock()));
  };
  for (const side of ["floor", "tracker"] as const) for (let i = 0; i < WARM_UP; i++) await send(side, false);
  const cpu = await alternate(ctx, server, ctx.sizes.channelRounds, async (side) => {
    // One unrecorded report first: the object may have hibernated while the other side ran.
    for (let i = -1; i < ctx.sizes.channelPacedPerRound; i++) await send(side, i >= 0);
  });
  for (const group of Object.values(groups)) await ctx.subscribers.close(group);
  trackerJob.channel.close();
  return { samples, cpu };
}

/**
 * Cancels, one job after another, each with its worker channel open and browsers watching; in
 * turn a job running for RUNNING_MS and one canceled the moment its start was acked (its start's
 * after-commit effects, D1 mirror, owner feed, webhook hand-over, still running in the isolate).
 */
async function cancels(ctx: Context, server: TrackerServer, token: string) {
  const running = { told: [] as number[], answered: [] as number[] };
  const justStarted = { told: [] as number[], answered: [] as number[] };
  const spansBefore = await trackerCounts(server.url);
  for (let i = 0; i < ctx.sizes.cancelJobs * 2; i++) {
    const group = `channel-cancel-${i}`;
    const watch = (wsUrl: string) => ctx.subscribers.open(group, Array.from({ length: SOCKETS }, () => wsUrl));
    const into = i % 2 === 0 ? running : justStarted;
    const sample = await timeCancel(server, token, watch, into === running ? RUNNING_MS : 0);
    await ctx.subscribers.close(group);
    into.told.push(sample.told);
    into.answered.push(sample.answered);
  }
  const spans = spanNote(spansBefore, await trackerCounts(server.url));
  return { running, justStarted, spans };
}

export async function channel(ctx: Context): Promise<ScenarioOutcome> {
  const server = ctx.channelServer;
  if (!server) throw new Error("channel: the channel tracker was not started");
  const token = await viewerToken(server);
  const load = await sustained(ctx, server, token);
  const latency = await paced(ctx, server, token);
  const cancel = await cancels(ctx, server, token);
  const { floor, tracker } = load.result;
  const pAndMax = (label: string, samples: number[]) =>
    distribution(SCENARIO, label, { floor: [], tracker: samples }).filter((f) => !f.label.endsWith("p90"));
  const row = (label: string, unit: string, f: number | null, t: number | null, goal?: Figure["goal"]): Figure => ({
    scenario: SCENARIO,
    label,
    unit,
    floor: f,
    tracker: t,
    ...(goal && { goal }),
  });
  const figures: Figure[] = [
    row("reports acknowledged (floor: HTTP callbacks; tracker: channel)", "/s", floor.perSecond, tracker.perSecond, { ratioAtLeast: 3 }),
    row("progress messages per socket", "/s", floor.framesPerSocket, tracker.framesPerSocket),
    row("lost or reordered", "count", floor.lost + floor.reordered, tracker.lost + tracker.reordered, { trackerAtMost: 0 }),
    row("failed reports", "count", floor.errors, tracker.errors),
    ...distribution(SCENARIO, `report -> browser, 1 per ${PACE_MS} ms`, latency.samples, { p50: { ratioAtMost: 1 } }),
    ...distribution(SCENARIO, "report -> browser under load", { floor: floor.underLoad, tracker: tracker.underLoad }).filter((f) => !f.label.endsWith("max")),
    ...distribution(SCENARIO, "cancel -> worker has canceled", { floor: [], tracker: cancel.running.told }, { p99: { trackerAtMost: 50 } }),
    ...pAndMax("cancel answered", cancel.running.answered),
    ...pAndMax("cancel just after start -> worker has canceled", cancel.justStarted.told),
  ];
  const problems: string[] = [];
  for (const [name, side] of Object.entries(load.result)) {
    if (side.lost + side.reordered > 0) problems.push(`channel ${name}: ${side.lost} lost, ${side.reordered} reordered`);
    if (side.errors > 0) problems.push(`channel ${name}: ${side.errors} failed reports (${side.firstError})`);
  }
  return {
    figures,
    cpu: [...load.cpu, ...latency.cpu],
    problems,
    notes: [
      `sustained: ${load.note}`,
      `paced: ${ctx.sizes.channelRounds} rounds x ${ctx.sizes.channelPacedPerRound} reports per side, one each ${PACE_MS} ms, after ${WARM_UP} warm-up reports`,
      `cancel: ${ctx.sizes.cancelJobs} jobs running for ${RUNNING_MS} ms and, in turn with them, ${ctx.sizes.cancelJobs} canceled as soon as their start was acked; ` +
        `each with ${SOCKETS} browser sockets and its channel open, timed from sending POST /cancel; tracker time inside workerd: ${cancel.spans}`,
    ],
  };
}
