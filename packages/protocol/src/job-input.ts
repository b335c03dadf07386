/**
 * What a job is created from: its kind, its JSON input, how it is
 * dispatched. Kept apart from job.ts so a browser bundle that only watches
 * jobs never carries these schemas.
 */
import * as z from "zod/mini";
import { Job } from "./job";

/** Any JSON value: what a job's input may be. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodMiniType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

export const JobKind = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, "kind is 1-64 chars of a-z, 0-9, '_', '.', ':', '-'"));

/**
 * Who gets the job to a GPU: "external" (the customer's backend hands the
 * callback on; the default), "pull" (the tracker queues it for workers that
 * lease), "push" (the tracker sends it to the configured GPU endpoints).
 */
export const DISPATCH_MODES = ["external", "pull", "push"] as const;
export const DispatchMode = z.enum(DISPATCH_MODES);
export type DispatchMode = z.infer<typeof DispatchMode>;

/** GET /api/jobs/:id adds the job's input, which events leave out. */
export const JobWithInput = z.extend(Job, { input: JsonValue });
export type JobWithInput = z.infer<typeof JobWithInput>;

