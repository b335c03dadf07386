/** What an operator can do to a job in its state: download, retry, or cancel (confirmed, with a reason). */
import { useRef, useState } from "react";
import type { Job } from "@export-tracker/client";
import { cancelJob, retryJob } from "./api";

export function JobActions({ job }: { job: Job }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const active = job.status === "queued" || job.status === "running";

  return (
    <div className="actions">
      {job.status === "completed" && job.download && (
        <a className="button primary" href={job.download.url} download={job.output?.filename}>
          Download {job.output?.filename ?? "output"}
        </a>
      )}
      {(job.status === "failed" || job.status === "canceled") && (
        <button className="button primary" disabled={busy} onClick={() => run(() => retryJob(job.id))}>
          Retry
        </button>
      )}
      {active && (
        <button className="button danger" disabled={busy} onClick={() => dialog.current?.showModal()}>
          Cancel…
        </button>
      )}
      {problem && (
        <span className="error-inline" role="alert">
          {problem}
        </span>
      )}
      <dialog ref={dialog} className="confirm" aria-labelledby="cancel-title">
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            dialog.current?.close();
            void run(() => cancelJob(job.id, reason.trim()));
          }}
        >
          <h2 id="cancel-title">Cancel this export?</h2>
          <p className="muted">The worker is told to stop at its next callback. A canceled job can be retried later.</p>
          <label className="field">
            <span>Reason (optional, kept in the timeline)</span>
            <input name="reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="actions end">
            <button type="button" className="button" onClick={() => dialog.current?.close()}>
              Keep it running
            </button>
            <button type="submit" className="button danger">
              Cancel export
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
