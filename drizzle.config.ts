import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates the SQL; wrangler applies it (`npm run db:migrate:local`).
export default defineConfig({
  dialect: "sqlite",
  schema: "./workers/db/schema.ts",
  out: "./migrations",
});
