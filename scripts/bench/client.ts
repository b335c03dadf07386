/**
 * The benchmark's HTTP client: the one server the run may contact. It refuses
 * any link off the --url host, bounds every request by the time limit, and
 * remembers the jobs it created so they can be completed after each run.
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import {
  CallbackAnswer,
  CreateJobResponse,
  type CallbackCredentials,
  type CreateJobBody,
  type ProgressReport,
} from "../../workers/protocol";
import { expectOk, send, Stop, type Reply } from "../lib/api-client";
import { TimeUp } from "./time-limit";

/** The answer to GET /health. */
const Health = z.object({ ok: z.literal(true) });

/** A JSON POST of `payload` that carries `token` as its bearer. */
const postJson = (token: string, payload: unknown): RequestInit => ({
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify(payload),
});

/** The one server the run may contact; every request is bounded by the time limit. */
export class BenchClient {
  /** Jobs created and not yet completed. */
  private readonly open = new Set<CallbackCredentials>();

  constructor(
    readonly base: URL,
    private readonly apiKey: string,
    readonly limit: AbortSignal,
  ) {}

  /** `link`, when it is on the --url host; anything else stops the run. */
  checkLocal(what: string, link: string): string {
    const url = new URL(link);
    const wsProtocol = this.base.protocol === "https:" ? "wss:" : "ws:";
    if (url.host !== this.base.host || (url.protocol !== this.base.protocol && url.protocol !== wsProtocol)) {
      throw new Stop(`${what} is on ${url.origin}, not ${this.base.origin}: refusing to contact it`, 1);
    }
    return link;
  }

  private async request(what: string, url: string, init: RequestInit, signal = this.limit): Promise<Reply> {
    this.checkLocal(what, url);
    try {
      return await send(what, url, { ...init, redirect: "error", signal });
    } catch (err) {
      if (this.limit.aborted) throw new TimeUp();
      throw err;
    }
  }

  /** GET /health: fails early and clearly when nothing listens at --url. */
  async health(): Promise<void> {
    expectOk("health check", await this.request("health check", `${this.base.origin}/health`, {}), Health);
  }

  /** POST /api/jobs: a new job of `kind`, kept open until completeOpenJobs. */
  async createJob(kind: string): Promise<CreateJobResponse> {
    const body: CreateJobBody = { kind, input: { source: "npm run bench" } };
    const init = postJson(this.apiKey, body);
    const created = expectOk("create job", await this.request("create job", `${this.base.origin}/api/jobs`, init), CreateJobResponse);
    this.checkLocal("the callback url", created.callback.url);
    this.checkLocal("the ws link", created.links.ws);
    this.open.add(created.callback);
    return created;
  }

  /** One progress report: when it was sent (performance.now()) and its round trip in ms. */
  async progress(callback: CallbackCredentials, percent: number, signal?: AbortSignal): Promise<{ sentAt: number; ms: number }> {
    const report: ProgressReport = { percent };
    const init = postJson(callback.token, report);
    const sentAt = performance.now();
    const reply = await this.request("progress callback", `${callback.url}/progress`, init, signal);
    const roundTrip = performance.now() - sentAt;
    expectOk("progress callback", reply, CallbackAnswer);
    return { sentAt, ms: roundTrip };
  }

  /** Completes every open job, in parallel; answers how many could not be. */
  async completeOpenJobs(signal = this.limit): Promise<number> {
    const jobs = [...this.open];
    const outcomes = await Promise.allSettled(
      jobs.map(async (callback) => {
        const init = postJson(callback.token, { message: "npm run bench finished" });
        expectOk("complete", await this.request("complete callback", `${callback.url}/complete`, init, signal), CallbackAnswer);
        this.open.delete(callback);
      }),
    );
    return outcomes.filter((o) => o.status === "rejected").length;
  }
}
