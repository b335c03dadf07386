/**
 * What the worker streams while it works: the newest preview frame and a log
 * panel that follows the tail (and can be paused, e.g. to read or select).
 */
import { useEffect, useRef, useState } from "react";
import type { LogLine, Preview } from "@export-tracker/client";

export function LivePreview({ preview }: { preview: Preview | null }) {
  if (!preview) return null;
  return (
    <figure className="live-preview" data-testid="live-preview">
      <img src={preview.url} alt={`Preview${preview.frame ? `: ${preview.frame}` : ""}`} />
      {preview.frame && <figcaption className="muted">{preview.frame}</figcaption>}
    </figure>
  );
}

export function LogPanel({ lines }: { lines: readonly LogLine[] }) {
  const [following, setFollowing] = useState(true);
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (following && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, following]);
  return (
    <section className="card" aria-labelledby="logs-title" data-testid="log-panel">
      <header className="log-head">
        <h2 id="logs-title">Worker log</h2>
        <button type="button" className="button small ghost" onClick={() => setFollowing((f) => !f)} aria-pressed={!following} data-testid="log-follow">
          {following ? "Pause" : "Follow"}
        </button>
      </header>
      {lines.length === 0 ? (
        <p className="muted">No log lines yet.</p>
      ) : (
        <pre className="log-lines" ref={box} tabIndex={0} aria-label="Worker log lines" data-following={following}>
          {lines.map((l) => (
            <span key={l.log_seq} className="log-line">
              {l.text}
              {"\n"}
            </span>
          ))}
        </pre>
      )}
    </section>
  );
}
