/**
 * The two things the bench drives with the same load, behind one interface:
 * make a job, the URL of a socket on it, send one progress report. The
 * tracker speaks the project's API (client key, owner-wide viewer token on
 * the socket, callback token on reports); the floor takes the same report
 * body on a bare route.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { CallbackAnswer, CreateJobResponse, ViewerTokenResponse, type CreateJobBody } from "../../workers/protocol";
import type { Server, TrackerServer } from "./servers";

/** The shared clock of all the bench's threads (see subscriber-thread.ts). */
export const clock = () => performance.timeOrigin + performance.now();

/** What every report carries: the key is its unique `message`, matched on every socket. */
export interface Report {
  percent: number;
  message: string;
}

export interface BenchJob {
  id: string;
  wsUrl: string;
  /** Sends one report; resolves when it is answered 2xx, throws otherwise. */
  report(report: Report): Promise<void>;
}

/** "other-floor": the floor in the other shape (with or without [assets]), for the router scenario. */
export type TargetName = "floor" | "other-floor" | "tracker";

export interface Target<N extends TargetName = "floor" | "tracker"> {
  name: N;
  server: Server;
  /** Requests this client sent (socket upgrades included), for the cost check. */
  requestsSent: number;
  newJob(): Promise<BenchJob>;
}

async function expectOk(what: string, response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

const json = (token: string, body: unknown, method = "POST"): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify(body),
});

export function floorTarget<N extends "floor" | "other-floor" = "floor">(server: Server, name = "floor" as N): Target<N> {
  const target: Target<N> = {
    name,
    server,
    requestsSent: 0,
    async newJob() {
      const id = randomUUID();
      const url = `${server.url}/jobs/${id}`;
      return {
        id,
        wsUrl: `${url.replace(/^http/, "ws")}/ws`,
        async report(report) {
          target.requestsSent++;
          await expectOk("floor progress", await fetch(`${url}/progress`, { method: "POST", body: JSON.stringify(report) }));
        },
      };
    },
  };
  return target;
}

/** Jobs live long enough without reports that no stall alarm fires during the bench. */
const JOB: CreateJobBody = { kind: "bench", input: { source: "npm run bench" }, heartbeat_timeout_seconds: 3600 };

export function trackerTarget(server: TrackerServer): Target {
  let viewerToken: Promise<string> | null = null;
  const send = (what: string, url: string, init: RequestInit) => {
    target.requestsSent++;
    return fetch(url, init).then((r) => expectOk(what, r));
  };
  const target: Target = {
    name: "tracker",
    server,
    requestsSent: 0,
    async newJob() {
      // One owner-wide viewer token for every socket, as a dashboard would hold.
      viewerToken ??= send("viewer token", `${server.url}/api/viewer-tokens`, json(server.apiKey, {})).then(
        (body) => ViewerTokenResponse.parse(body).token,
      );
      const created = CreateJobResponse.parse(await send("create job", `${server.url}/api/jobs`, json(server.apiKey, JOB)));
      const { url, token } = created.callback;
      return {
        id: created.job.id,
        wsUrl: `${created.links.ws}?token=${encodeURIComponent(await viewerToken)}`,
        async report(report) {
          CallbackAnswer.parse(await send("progress callback", `${url}/progress`, json(token, report)));
        },
      };
    },
  };
  return target;
}
