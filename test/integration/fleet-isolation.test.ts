/**
 * Owner isolation of pull dispatch: a worker key (`wk_`) leases only its own
 * owner's jobs from that owner's coordinator, and the two key roles never
 * stand in for each other (401 `wrong_key_role`).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { recordFor } from "../../workers/auth/api-keys";
import { insertApiKey, revokeApiKey } from "../../workers/db/api-keys";
import { dispatchCoordinator } from "../../workers/dispatch/dispatch-coordinator";
import type { LeaseResponse, StatsResponse } from "../../workers/protocol";
import { api, createJob, getJob, postJson } from "../helpers";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** One lease call for jobs of `kind` with `key`, no waiting. */
async function lease(key: string, kind: string) {
  const res = await postJson("/api/worker/lease", { worker: "fleet-test", kinds: [kind], wait_seconds: 0 }, bearer(key));
  return { status: res.status, body: res.status === 200 ? await res.json<LeaseResponse>() : await res.text() };
}

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

let revokedWorkerKey: string;

beforeAll(async () => {
  const revoked = await recordFor("wk_test_revoked_worker_key_00000000", "default", "revoked", Date.now(), "worker");
  await insertApiKey(env.DB, revoked.row);
  await revokeApiKey(env.DB, revoked.row.id, Date.now());
  revokedWorkerKey = revoked.key;
});

describe("a worker key leases only its owner's jobs", () => {
  it("leaves owner A's job queued while owner B's worker polls, then A's worker gets it", async () => {
    const kind = "isolation.a";
    const created = await createJob({ kind, dispatch: "pull" }); // owner "default"
    for (let i = 0; i < 3; i++) expect((await lease(env.OTHER_WORKER_KEY, kind)).status).toBe(204);
    expect((await getJob(created.job.id)).status).toBe("queued");
    expect((await dispatchCoordinator(env, "default").peek(created.job.id))?.state).toBe("queued");
    expect(await dispatchCoordinator(env, "other-owner").peek(created.job.id)).toBeNull();

    const mine = await lease(env.WORKER_KEY, kind);
    expect(mine.status).toBe(200);
    expect((mine.body as LeaseResponse).job.id).toBe(created.job.id);
  });

  it("works the other way round: owner B's job goes to B's worker only", async () => {
    const kind = "isolation.b";
    const created = await createJob({ kind, dispatch: "pull" }, bearer(env.OTHER_API_KEY));
    expect((await lease(env.WORKER_KEY, kind)).status).toBe(204);
    const theirs = await lease(env.OTHER_WORKER_KEY, kind);
    expect((theirs.body as LeaseResponse).job.id).toBe(created.job.id);
  });

  it("counts each owner's queue in that owner's /api/stats only", async () => {
    const kind = "isolation.stats";
    const stats = async (key: string) =>
      (await (await api("/api/stats", { headers: bearer(key) })).json<StatsResponse>()).dispatch!.queue_depth;
    const [mineBefore, theirsBefore] = [await stats(env.API_KEY), await stats(env.OTHER_API_KEY)];
    await createJob({ kind, dispatch: "pull" });
    expect(await stats(env.API_KEY)).toBe(mineBefore + 1);
    expect(await stats(env.OTHER_API_KEY)).toBe(theirsBefore);
  });
});

describe("key roles", () => {
  it("refuses a client key on the lease route with wrong_key_role", async () => {
    const res = await postJson("/api/worker/lease", { wait_seconds: 0 }, bearer(env.API_KEY));
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("wrong_key_role");
  });

  it("refuses a worker key on the client API with wrong_key_role", async () => {
    const created = await createJob();
    const calls = [
      postJson("/api/jobs", { kind: "video.render" }, bearer(env.WORKER_KEY)),
      api("/api/jobs", { headers: bearer(env.WORKER_KEY) }),
      api(`/api/jobs/${created.job.id}`, { headers: bearer(env.WORKER_KEY) }),
      api("/api/stats", { headers: bearer(env.WORKER_KEY) }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe("wrong_key_role");
    }
  });

  it("refuses a revoked worker key, and an unknown one", async () => {
    for (const key of [revokedWorkerKey, "wk_not_a_key_at_all_00000000000000"]) {
      const res = await postJson("/api/worker/lease", { wait_seconds: 0 }, bearer(key));
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe("invalid_api_key");
    }
  });
});
