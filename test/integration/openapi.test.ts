import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { api } from "../helpers";

/** Routes that are not the API: the dev-only demo backend (DEMO_MODE) and the reference page itself. */
const UNDOCUMENTED = [/^\/api\/demo(\/|$)/, /^\/docs$/];

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
  components: { schemas: Record<string, unknown> };
}

const readDocument = async () => {
  const res = await api("/api/openapi.json");
  expect(res.status).toBe(200);
  return res.json<Document>();
};

describe("GET /api/openapi.json", () => {
  it("describes every route of the app, with its method", async () => {
    const doc = await readDocument();
    const routes = app.routes
      .filter((r) => r.method !== "ALL" && !UNDOCUMENTED.some((pattern) => pattern.test(r.path)))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((d) => !routes.includes(d))).toEqual([]);
  });

  it("is OpenAPI 3.1 whose request bodies are the schemas the routes validate with", async () => {
    const doc = await readDocument();
    expect(doc.openapi).toBe("3.1.0");
    const create = doc.paths["/api/jobs"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(create).toMatchObject({
      type: "object",
      required: ["kind"],
      properties: { kind: { pattern: "^[a-z0-9][a-z0-9_.:-]{0,63}$" }, max_attempts: { minimum: 1, maximum: 10 } },
    });
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((name) => !(name in doc.components.schemas))).toEqual([]);
  });
});

describe("GET /docs", () => {
  it("serves the API reference page for the document", async () => {
    const res = await api("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("/api/openapi.json");
  });
});
