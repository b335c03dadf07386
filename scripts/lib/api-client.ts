/**
 * What the dev scripts (`npm run play`, `npm run bench`, `npm run worker`) share to talk to a
 * running server: the API key, a fetch that reads JSON and turns failures
 * into a `Stop` naming the server's error code, and the exit-code handling.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { ErrorBody } from "../../workers/protocol";

/** Ends the run with a message and an exit code. */
export class Stop extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** $NAME, else the key `npm run dev` keeps in `file` (next to package.json). */
function readKey(name: string, file: string): string {
  if (process.env[name]) return process.env[name]!;
  const devKey = new URL(`../../${file}`, import.meta.url);
  const key = existsSync(devKey) ? readFileSync(devKey, "utf8").trim() : "";
  if (!key) throw new Stop(`no ${name}: set ${name}, or run \`npm run dev\` once to create ${file}`, 1);
  return key;
}

/** $API_KEY, else the local development client key in .dev-api-key. */
export const readApiKey = () => readKey("API_KEY", ".dev-api-key");

/** $WORKER_KEY, else the local development worker key (owner "default") in .dev-worker-key. */
export const readWorkerKey = () => readKey("WORKER_KEY", ".dev-worker-key");

export type Reply = { status: number; ok: boolean; body: unknown };

/** fetch, with a network failure turned into a Stop that names the URL. */
export async function reach(what: string, url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, init).catch((err: Error) => {
    const cause = err.cause instanceof Error ? err.cause.message : err.message;
    throw new Stop(`${what}: cannot reach ${url}: ${cause}`, 1);
  });
}

/** Sends a request and reads its JSON answer; a non-JSON answer stops the run. */
export async function send(what: string, url: string, init: RequestInit): Promise<Reply> {
  const res = await reach(what, url, init);
  const text = await res.text();
  try {
    return { status: res.status, ok: res.ok, body: JSON.parse(text) };
  } catch {
    throw new Stop(`${what}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`, 1);
  }
}

/** A Stop naming the HTTP status and the server's error code and message. */
export function httpError(what: string, status: number, body: unknown): Stop {
  const error = ErrorBody.safeParse(body);
  const detail = error.success ? `${error.data.error.code}: ${error.data.error.message}` : JSON.stringify(body);
  return new Stop(`${what} failed: HTTP ${status} ${detail}`, 1);
}

/** The answer's body checked against `schema`; any HTTP error stops the run. */
export function expectOk<S extends z.core.$ZodType>(what: string, reply: Reply, schema: S): z.infer<S> {
  if (!reply.ok) throw httpError(what, reply.status, reply.body);
  const parsed = z.safeParse(schema, reply.body);
  if (!parsed.success) throw new Stop(`${what}: unexpected answer: ${parsed.error.message}`, 1);
  return parsed.data;
}

/** Runs a script's main: a Stop exits with its code (0 prints to stdout), anything else with 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof Stop) {
      (err.exitCode === 0 ? console.log : console.error)(err.message);
      process.exit(err.exitCode);
    }
    console.error(err);
    process.exit(1);
  });
}
