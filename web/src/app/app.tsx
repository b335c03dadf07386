/** The console shell: the sign-in until there is a session, then a header and the page for the current route. */
import { useEffect, useState } from "react";
import type { SessionResponse } from "@export-tracker/protocol";
import { SESSION_LOST } from "./api";
import { currentSession, signOut } from "./auth";
import { JobListPage } from "./job-list-page";
import { JobPage } from "./job-page";
import { linkTo, useRoute } from "./router";
import { SignInPage } from "./sign-in-page";

type SessionState = { kind: "checking" } | { kind: "signed-out"; notice: string | null } | { kind: "signed-in"; session: SessionResponse };

export function App() {
  const route = useRoute();
  const [state, setState] = useState<SessionState>({ kind: "checking" });

  useEffect(() => {
    currentSession().then(
      (found) =>
        setState(found.session ? { kind: "signed-in", session: found.session } : { kind: "signed-out", notice: found.ended }),
      () => setState({ kind: "signed-out", notice: "The server did not answer; try again in a moment." }),
    );
    const lost = (event: Event) =>
      setState({ kind: "signed-out", notice: `Signed out: ${(event as CustomEvent<string>).detail}` });
    addEventListener(SESSION_LOST, lost);
    return () => removeEventListener(SESSION_LOST, lost);
  }, []);

  const leave = async () => {
    await signOut().catch(() => undefined);
    setState({ kind: "signed-out", notice: "Signed out." });
  };

  return (
    <>
      <header className="topbar">
        <a className="brand" href="/" onClick={linkTo("/")}>
          <span className="logo" aria-hidden="true" />
          Export console
        </a>
        {state.kind === "signed-in" && (
          <div className="account">
            <span className="owner" data-testid="owner">
              {state.session.owner}
            </span>
            <button className="button small" onClick={leave}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {state.kind === "checking" ? (
        <main className="page" aria-busy="true" />
      ) : state.kind === "signed-out" ? (
        <SignInPage notice={state.notice} onSignedIn={(session) => setState({ kind: "signed-in", session })} />
      ) : route.page === "job" ? (
        <JobPage key={route.id} id={route.id} />
      ) : (
        <JobListPage search={route.search} />
      )}
    </>
  );
}
