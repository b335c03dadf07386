/**
 * Two routes need no router library: the list at "/" (its filters in the
 * query string) and a job at "/jobs/:id". Links push history; back and
 * forward re-render.
 */
import { useEffect, useState, type MouseEvent } from "react";

export type Route = { page: "list"; search: string } | { page: "job"; id: string };

export function parseRoute(pathname: string, search = ""): Route {
  const match = /^\/jobs\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  return match ? { page: "job", id: match[1]! } : { page: "list", search };
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** An onClick for in-app links: a plain click navigates in place; modified clicks open as usual. */
export function linkTo(path: string) {
  return (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, location.search));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname, location.search));
    addEventListener("popstate", update);
    return () => removeEventListener("popstate", update);
  }, []);
  return route;
}
