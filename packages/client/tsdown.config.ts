/** ESM and type declarations: "." and "./batch" (no React) and "./react" (React stays an external peer). */
import { defineConfig } from "tsdown";

export default defineConfig({
  entry: { index: "src/index.ts", batch: "src/batch.ts", react: "src/react/index.ts" },
  format: "esm",
  dts: true,
  platform: "browser",
  sourcemap: true,
});
