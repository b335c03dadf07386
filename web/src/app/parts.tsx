/** Small shared pieces: status badge, connection pill, progress bar, copy button, a ticking clock. */
import { useEffect, useState } from "react";
import type { ConnectionState, JobStatus } from "@export-tracker/client";
import { formatPercent } from "./format";

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
};

export function ConnectionPill({ state }: { state: ConnectionState }) {
  return (
    <span className={`pill pill-${state}`} data-testid="connection" data-state={state} role="status">
      <span className="dot" aria-hidden="true" />
      {CONNECTION_LABELS[state]}
    </span>
  );
}

export function ProgressBar({ percent, status, label }: { percent: number; status: JobStatus; label: string }) {
  const value = Math.min(100, Math.max(0, percent));
  return (
    <div
      className={`bar bar-${status}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.floor(value)}
      aria-valuetext={formatPercent(value)}
    >
      <div className="bar-fill" style={{ transform: `scaleX(${value / 100})` }} />
    </div>
  );
}

/** The current time, updated every `ms` while mounted. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard (an insecure origin): the id is selectable text anyway.
    }
  };
  return (
    <button type="button" className="button small ghost" onClick={copy} aria-label={label}>
      {copied ? "Copied" : "Copy"}
    </button>
  );
}
