/**
 * `npm run sizes`: what the browser client costs an app, min+gzip with its
 * dependencies (partysocket, zod/mini, the protocol), bundled by esbuild from
 * the built packages: the vanilla entry, and what the React entry adds
 * (React itself is the app's and not counted). The packages test checks the
 * budget; the README quotes the figures.
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The vanilla entry (jobs, the feed, logs and previews) within 12 KB; what "./react" and "./batch" add, each within 2 KB. */
export const BUDGET = { vanillaBytes: 12 * 1024, reactExtraBytes: 2 * 1024, batchExtraBytes: 2 * 1024 };

async function gzippedBytes(source: string, resolveDir: string): Promise<number> {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    external: ["react", "react-dom"],
    logLevel: "silent",
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).byteLength;
}

/** Bytes min+gzip of the vanilla entry, of it with "./react", and what "./react" and "./batch" each add to it. */
export async function measureClient(resolveDir: string) {
  const vanilla = await gzippedBytes(`export * from "@export-tracker/client";`, resolveDir);
  const withReact = await gzippedBytes(
    `export * from "@export-tracker/client"; export * from "@export-tracker/client/react";`,
    resolveDir,
  );
  const withBatch = await gzippedBytes(
    `export * from "@export-tracker/client"; export * from "@export-tracker/client/batch";`,
    resolveDir,
  );
  return { vanilla, withReact, reactExtra: withReact - vanilla, batchExtra: withBatch - vanilla };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await measureClient(process.cwd());
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  console.log(`@export-tracker/client, min+gzip with dependencies (esbuild):`);
  console.log(`  "."              ${kb(sizes.vanilla)} (budget ${kb(BUDGET.vanillaBytes)})`);
  console.log(`  "." + "./react"  ${kb(sizes.withReact)} (React entry adds ${kb(sizes.reactExtra)}, budget ${kb(BUDGET.reactExtraBytes)})`);
  console.log(`  "./batch" adds   ${kb(sizes.batchExtra)} (budget ${kb(BUDGET.batchExtraBytes)})`);
}
