/** Builds the OpenAPI 3.1 document from the operation list and the protocol's zod schemas. */
import { BatchWebhookPayload, ErrorBody, JobWebhookPayload, WEBHOOK_EVENT_TYPES } from "../protocol";
import { SchemaComponents } from "./json-schema";
import { OPERATIONS, type Credential, type Operation } from "./operations";

const SECURITY_SCHEMES: Record<Credential, { description: string }> = {
  apiKey: { description: "A client API key (`sk_...`), for the customer's backend: `npm run keys -- create --owner NAME`." },
  viewerToken: { description: "A short-lived read-only viewer token from POST /api/viewer-tokens, for browsers." },
  workerKey: { description: "A worker key (`wk_...`) of the owner's GPU fleet: `npm run keys -- create --owner NAME --role worker`." },
  callbackToken: { description: "The callback token of one attempt (`callback.token` of the job or lease)." },
  sessionCookie: { description: "The console's session cookie (`tracker_session`, HttpOnly) from POST /api/session; writes must come from the console's own Origin." },
};

type Json = Record<string, unknown>;

function operationObject(op: Operation, components: SchemaComponents): Json {
  const parameters: Json[] = [];
  if (op.path.includes("{id}")) parameters.push({ name: "id", in: "path", required: true, schema: { type: "string" } });
  if (op.query) {
    const query = components.convert(op.query, "input") as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({ name, in: "query", required: query.required?.includes(name) ?? false, schema: rest, description });
    }
  }
  for (const header of op.headers ?? []) parameters.push({ name: header.name, in: "header", required: false, description: header.description, schema: { type: "string" } });

  const responses: Json = {};
  for (const [status, answer] of Object.entries(op.responses)) {
    const mediaType = answer.mediaType ?? "application/json";
    responses[status] = {
      description: answer.description,
      ...(answer.schema ? { content: { [mediaType]: { schema: components.named(...answer.schema) } } } : {}),
    };
  }
  responses.default = {
    description: 'Refused: `{"error": {"code", "message"}}` with the status (400 bad input, 401/403 credentials, 404, 409, 413, 415, 429 with Retry-After)',
    content: { "application/json": { schema: components.named("ErrorBody", ErrorBody) } },
  };

  let requestBody: Json | undefined;
  if (op.body && "binary" in op.body) {
    requestBody = { required: true, description: op.body.binary, content: { "*/*": { schema: { type: "string", format: "binary" } } } };
  } else if (op.body) {
    requestBody = { required: !op.body.optional, content: { "application/json": { schema: components.convert(op.body.schema, "input") } } };
  }
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: op.security.map((scheme) => ({ [scheme]: [] })),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** OpenAPI 3.1 `webhooks`: what each event type POSTs to a receiver (Standard Webhooks headers). */
function webhookObjects(components: SchemaComponents): Record<string, Json> {
  const entries = WEBHOOK_EVENT_TYPES.map((type) => {
    const [name, schema] = type.startsWith("batch.") ? ["BatchWebhookPayload", BatchWebhookPayload] as const : ["JobWebhookPayload", JobWebhookPayload] as const;
    const post = {
      summary: `${type}: signed with webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks)`,
      requestBody: { required: true, content: { "application/json": { schema: components.named(name, schema) } } },
      responses: { 200: { description: "Any 2xx delivers; anything else is retried" } },
    };
    return [type, { post }] as const;
  });
  return Object.fromEntries(entries);
}

/** The whole document; `serverUrl` is where this deployment answers. */
export function buildOpenApiDocument(serverUrl: string): Json {
  const components = new SchemaComponents();
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op, components);
  const webhooks = webhookObjects(components);
  return {
    openapi: "3.1.0",
    info: {
      title: "Export-job tracker",
      version: "0.1.0",
      description: "Jobs created by a backend, run by GPU workers through callbacks, watched by browsers over WebSockets. SDKs: @export-tracker/client, @export-tracker/worker, @export-tracker/backend, and the Python package export-tracker.",
    },
    servers: [{ url: serverUrl }],
    paths,
    webhooks,
    components: {
      schemas: components.schemas,
      securitySchemes: Object.fromEntries(
        Object.entries(SECURITY_SCHEMES).map(([name, { description }]) => [
          name,
          name === "sessionCookie"
            ? { type: "apiKey", in: "cookie", name: "tracker_session", description }
            : { type: "http", scheme: "bearer", description },
        ]),
      ),
    },
  };
}
