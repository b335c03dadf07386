/**
 * Plays the GPU worker and the customer's backend against a dev server over
 * HTTP, as the browser tests need: create a job (through the demo backend),
 * fetch the current attempt's callback token with the API key, and report.
 */
import { CallbackCredentials, type Job } from "../../workers/protocol";
import type { DevServer } from "../e2e/dev-server";

async function ok(response: Response, what: string): Promise<unknown> {
  const body = await response.json();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Creates a job as the pages do, through the demo backend. */
export async function createDemoJob(server: DevServer, kind = "video.render"): Promise<Job> {
  const response = await fetch(`${server.url}/api/demo/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind, input: { scene: "test" } }),
  });
  return ((await ok(response, "create")) as { job: Job }).job;
}

/** The GPU worker of the job's current attempt. */
export async function gpuWorker(server: DevServer, jobId: string) {
  const creds = CallbackCredentials.parse(
    await ok(
      await fetch(`${server.url}/api/jobs/${jobId}/callback`, { headers: { authorization: `Bearer ${server.apiKey}` } }),
      "callback credentials",
    ),
  );
  const call = async (name: string, body?: unknown) =>
    ok(
      await fetch(`${creds.url}/${name}`, {
        method: "POST",
        headers: { authorization: `Bearer ${creds.token}`, "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
      }),
      name,
    );
  return {
    progress: (percent: number, stage = "render", message?: string) => call("progress", { percent, stage, message }),
    fail: (error: string) => call("error", { error, retryable: false }),
    complete: () => call("complete"),
    upload: async (content: string, filename: string) =>
      ok(
        await fetch(`${creds.url}/output?filename=${encodeURIComponent(filename)}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${creds.token}`, "content-type": "video/mp4" },
          body: content,
        }),
        "upload",
      ),
  };
}
