/**
 * The README's snippets are the files in examples/ that the packages and
 * Python tests run: each `<!-- snippet: PATH -->` block must be that file,
 * and every example must be shown.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./scratch";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const snippets = [...readme.matchAll(/<!-- snippet: (\S+)[^\n]*-->\n```\w*\n([\s\S]*?)```/g)].map((m) => ({ path: m[1]!, body: m[2]! }));
const examples = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? (entry.name === "__pycache__" ? [] : examples(join(dir, entry.name))) : [relative(ROOT, join(dir, entry.name))],
  );

describe("the README's snippets", () => {
  it("are each exactly their file in examples/", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    for (const { path, body } of snippets) expect(body, path).toBe(readFileSync(join(ROOT, path), "utf8"));
  });

  it("show every file in examples/", () => {
    expect(examples(join(ROOT, "examples")).sort()).toEqual(snippets.map((s) => s.path).sort());
  });
});
