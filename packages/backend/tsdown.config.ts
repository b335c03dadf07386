/** ESM and type declarations in dist/; fetch and timers only, so "neutral": no Node or browser built-ins. */
import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  dts: true,
  platform: "neutral",
  sourcemap: true,
});
