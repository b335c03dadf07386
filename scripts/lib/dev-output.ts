/**
 * What `npm run dev` shows of wrangler's output: one line per request (wrangler's own; the
 * Worker's structured request line says the same), the bindings table once (wrangler prints it
 * again whenever its dev registry changes, which our own queue consumer's registration does at
 * start), and no "connection status" notices. Everything else passes through. Pure (erasable
 * TypeScript only), so `node` runs it straight from scripts/dev.mjs and a unit test covers it.
 */

const BINDINGS_HEADING = "Your Worker has access to the following bindings:";
const CONNECTION_NOTICE = /Connection status updated/;
// The Worker's own `log.info("request", …)` line (workers/http/middleware.ts).
const WORKER_REQUEST_LINE = /^\s*\{"level":"info","event":"request",/;

/** A stateful line filter: call it with each line in order; it answers whether to show it. */
export function devOutputFilter(): (line: string) => boolean {
  let tablesSeen = 0;
  let inRepeatedTable = false;
  return (line: string) => {
    const plain = stripAnsi(line);
    if (inRepeatedTable) {
      if (plain.trim() === "") inRepeatedTable = false;
      return false;
    }
    if (plain.includes(BINDINGS_HEADING)) {
      tablesSeen += 1;
      inRepeatedTable = tablesSeen > 1;
      return !inRepeatedTable;
    }
    return !CONNECTION_NOTICE.test(plain) && !WORKER_REQUEST_LINE.test(plain);
  };
}

/** The line without terminal colour codes. */
export function stripAnsi(line: string): string {
  return line.replace(/\u001b\[[0-9;]*m/g, "");
}

/** One line for `wrangler d1 migrations apply` output: which migrations it applied, or none. */
export function migrationSummary(output: string): string {
  const plain = stripAnsi(output);
  if (/No migrations to apply/i.test(plain)) return "D1 migrations: up to date.";
  const listed = plain.split("Migrations to be applied:")[1]?.split("?")[0] ?? "";
  const names = [...listed.matchAll(/([0-9]{4}_[\w-]+\.sql)/g)].map((m) => m[1]);
  return names.length > 0 ? `D1 migrations: applied ${names.join(", ")}.` : "D1 migrations: done.";
}
