/**
 * Plays the customer's backend and the GPU worker against a dev server over
 * HTTP, as the browser tests need: create a job with the API key, fetch the
 * current attempt's callback token, and report.
 */
import { CallbackCredentials, type CreateJobBody, type Job } from "../../workers/protocol";
import type { DevServer } from "../e2e/dev-server";

async function ok(response: Response, what: string): Promise<unknown> {
  const body = await response.json();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const withKey = (server: DevServer) => ({ authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" });

/** Creates a job through the client API (dispatch external: the test is its worker). */
export async function createJob(server: DevServer, body: Partial<CreateJobBody> = {}): Promise<Job> {
  const response = await fetch(`${server.url}/api/jobs`, {
    method: "POST",
    headers: withKey(server),
    body: JSON.stringify({ kind: "gif.render", input: { text: "test", frames: 24 }, ...body }),
  });
  return ((await ok(response, "create")) as { job: Job }).job;
}

/** Cancels a job through the client API. */
export async function cancelJob(server: DevServer, jobId: string, reason: string): Promise<void> {
  await ok(await fetch(`${server.url}/api/jobs/${jobId}/cancel`, { method: "POST", headers: withKey(server), body: JSON.stringify({ reason }) }), "cancel");
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
    attempt: creds.attempt,
    progress: (percent: number, stage = "render", message?: string) => call("progress", { percent, stage, message }),
    fail: (error: string, retryable = false) => call("error", { error, retryable }),
    heartbeat: () => call("heartbeat"),
    complete: () => call("complete"),
    upload: async (content: string, filename: string, type = "video/mp4") =>
      ok(
        await fetch(`${creds.url}/output?filename=${encodeURIComponent(filename)}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${creds.token}`, "content-type": type },
          body: content,
        }),
        "upload",
      ),
  };
}
