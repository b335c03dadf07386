/**
 * Starts a GIF render (the one kind the reference agent runs) as a pull job,
 * then opens its page. The inputs are the render's own: text, frames, size.
 */
import { useState, type FormEvent } from "react";
import { createJob } from "./api";
import { navigate } from "./router";

export const GIF_KIND = "gif.render";
const SIZES = [
  { label: "160 × 90", width: 160, height: 90 },
  { label: "240 × 135", width: 240, height: 135 },
  { label: "320 × 180", width: 320, height: 180 },
] as const;

export function NewJobForm() {
  const [text, setText] = useState("");
  const [frames, setFrames] = useState(48);
  const [size, setSize] = useState(1);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const { width, height } = SIZES[size]!;
      const created = await createJob(GIF_KIND, { text: text.trim() || "hello", frames, width, height });
      navigate(`/jobs/${created.job.id}`);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form className="new-job" onSubmit={submit} aria-label="Start a GIF render">
      <span className="new-job-title">New GIF render</span>
      <label className="field inline">
        <span>Text</span>
        <input name="text" value={text} placeholder="hello" maxLength={40} onChange={(e) => setText(e.target.value)} />
      </label>
      <label className="field inline">
        <span>Frames</span>
        <input name="frames" type="number" min={1} max={240} value={frames} onChange={(e) => setFrames(Number(e.target.value))} />
      </label>
      <label className="field inline">
        <span>Size</span>
        <select name="size" value={size} onChange={(e) => setSize(Number(e.target.value))}>
          {SIZES.map((s, i) => (
            <option key={s.label} value={i}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <button className="button primary" type="submit" disabled={busy}>
        {busy ? "Starting…" : "Start render"}
      </button>
      {problem && (
        <p className="error-inline" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
