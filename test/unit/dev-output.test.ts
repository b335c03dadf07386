import { describe, expect, it } from "vitest";
import { devOutputFilter, migrationSummary } from "../../scripts/lib/dev-output";

const table = (extra = "") => [
  "Your Worker has access to the following bindings:",
  "Binding                          Resource          Mode",
  `env.DB (export-jobs)             D1 Database       local${extra}`,
  "",
];

describe("npm run dev output", () => {
  it("shows the bindings table the first time and hides it when wrangler prints it again", () => {
    const show = devOutputFilter();
    const lines = [...table(), "⎔ Starting local server...", ...table(), "[wrangler:info] Ready on http://localhost:8787"];
    expect(lines.filter(show)).toEqual([...table(), "⎔ Starting local server...", "[wrangler:info] Ready on http://localhost:8787"]);
  });

  it("keeps wrangler's request line and drops the Worker's structured one, so a request is one line", () => {
    const show = devOutputFilter();
    const lines = [
      '{"level":"info","event":"request","method":"GET","path":"/health","status":200,"ms":1}',
      "[wrangler:info] GET /health 200 OK (15ms)",
      '{"level":"warn","event":"mirror.failed","job_id":"job_x"}',
    ];
    expect(lines.filter(show)).toEqual(lines.slice(1));
  });

  it("drops the dev registry's connection notices, coloured or not", () => {
    const show = devOutputFilter();
    expect(show("\u001b[2m⎔ Connection status updated\u001b[22m")).toBe(false);
  });
});

describe("the migration summary", () => {
  it("names the migrations wrangler applied", () => {
    const output = [
      "Migrations to be applied:",
      "│ 0000_jobs.sql      │",
      "│ 0001_api_keys.sql  │",
      "? About to apply 2 migration(s)",
      "│ 0000_jobs.sql      │ ✅     │",
    ].join("\n");
    expect(migrationSummary(output)).toBe("D1 migrations: applied 0000_jobs.sql, 0001_api_keys.sql.");
  });

  it("says up to date when there was nothing to apply", () => {
    expect(migrationSummary("✅ No migrations to apply!")).toBe("D1 migrations: up to date.");
  });
});
