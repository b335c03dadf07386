/**
 * zod schemas to JSON Schema for the OpenAPI document. Each schema is
 * converted on its own (`z.toJSONSchema`, as requests or as responses see
 * it) and the definitions it needs (the recursive JsonValue) are hoisted
 * into the document's components, with their references rewritten.
 */
import { z } from "zod";
import { JsonValue } from "../protocol";

type JsonSchema = Record<string, unknown>;

// Named once, so every schema that holds a job input refers to one component.
if (!z.globalRegistry.has(JsonValue)) z.globalRegistry.add(JsonValue, { id: "JsonValue" });

/** Collects components while schemas are converted. */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /** The JSON Schema of `schema`; `io: "input"` for what clients send (defaults optional), "output" for answers. */
  convert(schema: z.core.$ZodType, io: "input" | "output"): JsonSchema {
    const { $schema: _, $defs, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    for (const [name, def] of Object.entries($defs ?? {})) this.schemas[name] = rewriteRefs(def) as JsonSchema;
    return rewriteRefs(json) as JsonSchema;
  }

  /** A named component (an answer's shape), referred to by `$ref`. */
  named(name: string, schema: z.core.$ZodType, io: "input" | "output" = "output"): JsonSchema {
    if (!this.schemas[name]) this.schemas[name] = this.convert(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string" ? inner.replace("#/$defs/", "#/components/schemas/") : rewriteRefs(inner),
    ]),
  );
}
