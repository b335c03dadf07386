/** ESM and type declarations in dist/ (zod stays a dependency, never bundled). */
import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  dts: true,
  platform: "neutral",
  sourcemap: true,
  // One file per module: with "sideEffects": false a bundler drops the schemas an app never imports.
  unbundle: true,
});
