// `vite preview` serves the production build and passes /my-backend to the README's backend snippet.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  preview: { proxy: { "/my-backend": process.env.BACKEND_URL ?? "http://127.0.0.1:3000" } },
});
