/**
 * Reading a worker's channel frame: binary, oversized and malformed frames
 * become refusals (never a throw), and a report becomes the same
 * WorkerCommand an HTTP callback would give `transition`.
 */
import type { WorkerCommand } from "../jobs/transition";
import {
  CHANNEL_LIMITS,
  ChannelReport,
  ProgressReport,
  type CallbackName,
  type ChannelServerMessage,
} from "../protocol";

export type Refused = Extract<ChannelServerMessage, { type: "refused" }>;

export type ParsedFrame = { ok: true; report: ChannelReport } | { ok: false; refused: Refused };

const refused = (id: string | null, code: string, message: string): Refused => ({ type: "refused", id, code, message });

/** The report in a frame, or the refusal to send back. */
export function parseWorkerFrame(data: string | ArrayBuffer): ParsedFrame {
  if (typeof data !== "string") {
    return { ok: false, refused: refused(null, "binary_not_supported", "send reports as JSON text frames") };
  }
  // Length in UTF-16 units is at most the UTF-8 byte length; check the cheap bound first.
  if (data.length > CHANNEL_LIMITS.maxMessageBytes || new TextEncoder().encode(data).byteLength > CHANNEL_LIMITS.maxMessageBytes) {
    return {
      ok: false,
      refused: refused(null, "message_too_large", `a message is at most ${CHANNEL_LIMITS.maxMessageBytes} bytes`),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, refused: refused(null, "bad_json", "the frame is not valid JSON") };
  }
  const id = typeof (json as { id?: unknown })?.id === "string" ? ((json as { id: string }).id.slice(0, 64)) : null;
  const parsed = ChannelReport.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { ok: false, refused: refused(id, "bad_message", `${where}${issue?.message ?? "not a report"}`) };
  }
  if (parsed.data.type === "progress") {
    const { type: _t, id: _i, ...report } = parsed.data;
    const check = ProgressReport.safeParse(report);
    if (!check.success) return { ok: false, refused: refused(id, "bad_message", check.error.issues[0]!.message) };
  }
  return { ok: true, report: parsed.data };
}

/** The callback a report stands for (event log names). */
export const callbackNameOf = (report: ChannelReport): CallbackName => report.type;

/** The state-machine command of a report (log reports have none). */
export function toWorkerCommand(report: ChannelReport, attempt: number): WorkerCommand | null {
  switch (report.type) {
    case "progress": {
      const { type: _t, id: _i, ...r } = report;
      return { type: "progress", attempt, report: r };
    }
    case "heartbeat":
      return { type: "heartbeat", attempt };
    case "complete":
      return { type: "complete", attempt, report: report.message === undefined ? {} : { message: report.message } };
    case "error":
      return { type: "error", attempt, report: { error: report.error, retryable: report.retryable } };
    case "log":
      return null;
  }
}
