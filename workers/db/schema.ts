/**
 * The D1 schema: a mirror of every job for listing, filtering and counting.
 * The Durable Object stays the authority; rows here converge to it.
 * Change this file, then `npm run db:generate` writes the migration.
 */
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { BATCH_STATUSES, JOB_STATUSES } from "../protocol";

export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    owner: text("owner").notNull(),
    kind: text("kind").notNull(),
    status: text("status", { enum: JOB_STATUSES }).notNull(),
    progress: real("progress").notNull(),
    stage: text("stage"),
    attempt: integer("attempt").notNull(),
    error: text("error"),
    outputKey: text("output_key"),
    outputSize: integer("output_size"),
    outputType: text("output_type"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
    /** The batch the job was created in (POST /api/batches), else null. */
    batchId: text("batch_id"),
    /** The object's event seq when this row was written; an older write never replaces a newer one. */
    version: integer("version").notNull(),
  },
  (t) => [
    index("jobs_owner_created").on(t.owner, t.createdAt, t.id),
    index("jobs_owner_status_created").on(t.owner, t.status, t.createdAt, t.id),
  ],
);

export type JobRow = typeof jobs.$inferSelect;

/** A mirror of every batch's aggregate, for the owner's list (GET /api/batches); BatchState is the authority. */
export const batches = sqliteTable(
  "batches",
  {
    id: text("id").primaryKey(),
    owner: text("owner").notNull(),
    status: text("status", { enum: BATCH_STATUSES }).notNull(),
    total: integer("total").notNull(),
    queued: integer("queued").notNull(),
    running: integer("running").notNull(),
    completed: integer("completed").notNull(),
    failed: integer("failed").notNull(),
    canceled: integer("canceled").notNull(),
    percent: real("percent").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
    /** The batch object's event seq when this row was written; an older write never replaces a newer one. */
    version: integer("version").notNull(),
  },
  (t) => [
    index("batches_owner_created").on(t.owner, t.createdAt, t.id),
    index("batches_owner_status_created").on(t.owner, t.status, t.createdAt, t.id),
  ],
);

export type BatchRow = typeof batches.$inferSelect;

/** What a key may do: call the client API, or lease its owner's pull jobs. */
export const API_KEY_ROLES = ["client", "worker"] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * API keys of the customers' backends (role client) and of their GPU fleets
 * (role worker). Only a SHA-256 of each key is kept: keys are 192-bit random
 * strings, so a fast hash is enough and a leaked table reveals no usable key.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    owner: text("owner").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: API_KEY_ROLES }).notNull().default("client"),
    keyHash: text("key_hash").notNull().unique(),
    /** The first characters of the key, to tell keys apart in listings. */
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_owner").on(t.owner)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export * from "./webhook-schema";
