/** The app shell: a header and the page for the current route. */
import { JobListPage } from "./job-list-page";
import { JobPage } from "./job-page";
import { navigate, useRoute } from "./router";

export function App() {
  const route = useRoute();
  return (
    <>
      <header className="topbar">
        <a className="brand" href="/" onClick={(e) => (e.preventDefault(), navigate("/"))}>
          <span className="logo" aria-hidden="true" />
          Exports
        </a>
      </header>
      {route.page === "job" ? <JobPage key={route.id} id={route.id} /> : <JobListPage />}
    </>
  );
}
