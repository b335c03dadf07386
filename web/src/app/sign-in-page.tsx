/**
 * Sign-in: one API key (a client key, sk_...) exchanged for a session cookie.
 * On a dev server (DEMO_MODE, loopback) the dev key is filled in.
 */
import { useEffect, useState, type FormEvent } from "react";
import type { SessionResponse } from "@export-tracker/protocol";
import { devKey, signIn } from "./auth";

export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (s: SessionResponse) => void }) {
  const [key, setKey] = useState("");
  const [prefilled, setPrefilled] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void devKey().then((dev) => {
      if (dev) {
        setKey((typed) => typed || dev);
        setPrefilled(true);
      }
    });
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      onSignedIn(await signIn(key));
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <main className="page narrow">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <p className="muted">
          Use a client API key (<code>sk_…</code>, made with <code>npm run keys -- create</code>). It is exchanged for a
          session of at most 12 hours; the page does not keep the key.
        </p>
        {notice && (
          <p className="notice" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        )}
        <label className="field">
          <span>API key</span>
          <input
            name="api_key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
        </label>
        {prefilled && <p className="hint">The local dev key is filled in (DEMO_MODE on this dev server).</p>}
        <button className="button primary" type="submit" disabled={busy || key.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}
