/** Starts an export of any kind, then opens its page. */
import { useState, type FormEvent } from "react";
import { createJob } from "./auth";
import { JOB_KINDS } from "./job-kinds";
import { navigate } from "./router";

export function NewJobForm() {
  const [kindIndex, setKindIndex] = useState(0);
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const spec = JOB_KINDS[kindIndex]!;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const job = await createJob(spec.kind, { [spec.field]: value || spec.placeholder });
      navigate(`/jobs/${job.id}`);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form className="card new-job" onSubmit={submit} aria-label="Start an export">
      <label>
        <span>Kind</span>
        <select name="kind" value={kindIndex} onChange={(e) => setKindIndex(Number(e.target.value))}>
          {JOB_KINDS.map((k, i) => (
            <option key={k.kind} value={i}>
              {k.label} ({k.kind})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{spec.field}</span>
        <input name="input" value={value} placeholder={spec.placeholder} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button className="button primary" type="submit" disabled={busy}>
        {busy ? "Starting…" : "Start export"}
      </button>
      {problem && <p className="error-inline">{problem}</p>}
    </form>
  );
}
