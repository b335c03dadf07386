/**
 * A worker's channel frame, from text to answer: parsed (refused when it
 * cannot be), answered again with its first seq when its id was already
 * applied, else run through the same path as an HTTP callback. The answer
 * (`ack` or `refused`) goes out only once the update is committed, and
 * before anything the commit closes (a `complete` is acked, then the socket
 * is closed as finished).
 */
import type { CallbackOutcome } from "../jobs/outcomes";
import type { WorkerCommand } from "../jobs/transition";
import type { CallbackName } from "../protocol";
import type { ChannelStore } from "./channel-store";
import { callbackNameOf, parseWorkerFrame, toWorkerCommand } from "./worker-frames";
import { sendTo, type WorkerAttachment } from "./worker-socket";

/** What the job's object lends the channel: its one update path for worker reports and for log lines. */
export interface ChannelHost {
  channel: ChannelStore;
  /**
   * Runs `command` through `transition` and commits. `alsoWrite(seq)` runs inside the commit's
   * transaction; `answer` is called once it is committed, before broadcasts and closes.
   */
  report(
    name: CallbackName,
    command: WorkerCommand,
    options: { alsoWrite(seq: number): void; answer(outcome: CallbackOutcome): void },
  ): Promise<void>;
  /** Appends log lines of `attempt`; same contract. */
  log(
    attempt: number,
    lines: readonly string[],
    options: { alsoWrite(seq: number): void; answer(outcome: CallbackOutcome): void },
  ): Promise<void>;
}

export async function handleWorkerFrame(
  ws: WebSocket,
  worker: WorkerAttachment,
  data: string | ArrayBuffer,
  host: ChannelHost,
): Promise<void> {
  const parsed = parseWorkerFrame(data);
  if (!parsed.ok) return sendTo(ws, parsed.refused);
  const { report } = parsed;
  const id = report.id;
  const seen = host.channel.appliedSeq(worker.attempt, id);
  if (seen !== null) return sendTo(ws, { type: "ack", id, seq: seen });

  const options = {
    alsoWrite: (seq: number) => host.channel.rememberApplied(worker.attempt, id, seq),
    answer: (outcome: CallbackOutcome) =>
      sendTo(
        ws,
        outcome.ok
          ? { type: "ack", id, seq: outcome.job.seq }
          : { type: "refused", id, code: outcome.refusal.code, message: outcome.refusal.message },
      ),
  };
  const command = toWorkerCommand(report, worker.attempt);
  if (report.type === "log") await host.log(worker.attempt, report.lines, options);
  else if (command) await host.report(callbackNameOf(report), command, options);
}
