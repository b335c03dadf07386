/** The messages between the subscriber pool (main thread) and its threads. */

export type Request =
  | { op: "open"; id: number; group: string; urls: { index: number; url: string }[] }
  | { op: "waitFor"; id: number; group: string; key: string; timeoutMs: number }
  | { op: "check"; id: number; group: string; expected: Record<number, string[]> | null; expectedAll: string[] | null }
  | { op: "arrivals"; id: number; group: string }
  | { op: "close"; id: number; group: string };

/** Loss and order over a group's sockets. */
export interface CheckResult {
  sockets: number;
  /** `job:progress` frames received. */
  frames: number;
  /** Expected reports a socket never received. */
  lost: number;
  /** Frames whose seq was not above the one before. */
  reordered: number;
  /** Seqs skipped between two progress frames. */
  gaps: number;
  closed: number;
}

export type Reply =
  | { id: number; failed: string | null }
  | { id: number; arrivals: number[]; missing: number }
  | { id: number; check: CheckResult }
  | { id: number; arrivals: [key: string, at: number][] }
  | { id: number };
