/**
 * A page about one thing asked of the API by id (a job, a batch): loading,
 * "not found" at once for an unknown or foreign id, a failure, or the thing.
 */
import { useEffect, useState, type ReactNode } from "react";

export type Loaded<T> = { kind: "loading" } | { kind: "missing" } | { kind: "failed"; message: string } | { kind: "found"; value: T };

/** Asks `load(id)` (null for not found) again whenever `id` changes. */
export function useLoaded<T>(id: string, load: (id: string) => Promise<T | null>): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ kind: "loading" });
  useEffect(() => {
    load(id).then(
      (value) => setLoaded(value ? { kind: "found", value } : { kind: "missing" }),
      (err) => setLoaded({ kind: "failed", message: err instanceof Error ? err.message : String(err) }),
    );
  }, [id, load]);
  return loaded;
}

/** Everything but the found thing, which `children` shows; `noun` names it ("Export", "Batch"). */
export function LoadedOr<T>({ loaded, id, noun, children }: { loaded: Loaded<T>; id: string; noun: string; children: (value: T) => ReactNode }) {
  if (loaded.kind === "found") return <>{children(loaded.value)}</>;
  if (loaded.kind === "missing") {
    return (
      <section className="card" data-testid="not-found">
        <h1>{noun} not found</h1>
        <p className="muted">
          No {noun.toLowerCase()} <code>{id}</code> among yours: check the link, or whether it belongs to another owner.
        </p>
      </section>
    );
  }
  if (loaded.kind === "failed") {
    return (
      <section className="card">
        <h1>{noun}</h1>
        <p className="error" role="alert">
          {loaded.message}
        </p>
      </section>
    );
  }
  return (
    <section className="card skeleton" aria-busy="true">
      <h1>Loading {noun.toLowerCase()}…</h1>
    </section>
  );
}
