/**
 * Two routes need no router library: the list at "/" and a job at
 * "/jobs/:id". Links push history; back and forward re-render.
 */
import { useEffect, useState } from "react";

export type Route = { page: "list" } | { page: "job"; id: string };

export function parseRoute(pathname: string): Route {
  const match = /^\/jobs\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  return match ? { page: "job", id: match[1]! } : { page: "list" };
}

export function navigate(path: string): void {
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    addEventListener("popstate", update);
    return () => removeEventListener("popstate", update);
  }, []);
  return route;
}
