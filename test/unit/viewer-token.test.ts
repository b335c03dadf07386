import { describe, expect, it } from "vitest";
import { signViewerToken, verifyViewerToken, viewerMaySee, viewerMaySeeBatch } from "../../workers/auth/viewer-token";

const SECRET = "unit-test-secret-0123456789abcdef";
const NOW = Date.UTC(2030, 0, 1);
const scope = { owner: "acme", jobId: "job_aaaaaaaaaaaaaaaaaaaaaaaaaa", expiresAt: NOW + 3600_000 };

describe("viewer tokens", () => {
  it("round-trip their scope", async () => {
    const check = await verifyViewerToken(SECRET, await signViewerToken(SECRET, scope), NOW);
    expect(check).toEqual({ ok: true, scope });
  });

  it("are refused once expired", async () => {
    const token = await signViewerToken(SECRET, scope);
    expect(await verifyViewerToken(SECRET, token, scope.expiresAt)).toEqual({ ok: false, reason: "expired" });
  });

  it("are refused under another secret", async () => {
    const token = await signViewerToken("another-secret-0123456789abcdef", scope);
    expect(await verifyViewerToken(SECRET, token, NOW)).toEqual({ ok: false, reason: "invalid" });
  });

  it("are refused when the payload is changed to widen the scope", async () => {
    const [prefix, , sig] = (await signViewerToken(SECRET, scope)).split(".");
    const widened = btoa(JSON.stringify({ o: "acme", j: null, e: Math.floor(scope.expiresAt / 1000) })).replace(/=+$/, "");
    expect(await verifyViewerToken(SECRET, `${prefix}.${widened}.${sig}`, NOW)).toEqual({ ok: false, reason: "invalid" });
  });

  it("are refused when malformed", async () => {
    for (const token of ["", "vt1", "vt1.a.b.c", "sk_abc", "vt1.!!.sig"]) {
      expect((await verifyViewerToken(SECRET, token, NOW)).ok).toBe(false);
    }
  });

  it("scoped to a job see that job of that owner only", () => {
    expect(viewerMaySee(scope, "acme", scope.jobId)).toBe(true);
    expect(viewerMaySee(scope, "acme", "job_bbbbbbbbbbbbbbbbbbbbbbbbbb")).toBe(false);
    expect(viewerMaySee(scope, "other", scope.jobId)).toBe(false);
  });

  it("scoped to an owner see every job of that owner only", () => {
    const owner = { ...scope, jobId: null };
    expect(viewerMaySee(owner, "acme", "job_bbbbbbbbbbbbbbbbbbbbbbbbbb")).toBe(true);
    expect(viewerMaySee(owner, "other", "job_bbbbbbbbbbbbbbbbbbbbbbbbbb")).toBe(false);
  });
});

describe("batch-scoped viewer tokens", () => {
  const batchScope = { owner: "acme", jobId: null, batchId: "bat_aaaaaaaaaaaaaaaaaaaaaaaaaa", expiresAt: NOW + 3600_000 };

  it("round-trip their batch", async () => {
    const check = await verifyViewerToken(SECRET, await signViewerToken(SECRET, batchScope), NOW);
    expect(check).toEqual({ ok: true, scope: batchScope });
  });

  it("see the members of that batch only, not other jobs of the owner", () => {
    expect(viewerMaySee(batchScope, "acme", "job_x", batchScope.batchId)).toBe(true);
    expect(viewerMaySee(batchScope, "acme", "job_x", null)).toBe(false);
    expect(viewerMaySee(batchScope, "acme", "job_x", "bat_bbbbbbbbbbbbbbbbbbbbbbbbbb")).toBe(false);
    expect(viewerMaySee(batchScope, "other", "job_x", batchScope.batchId)).toBe(false);
  });

  it("see that batch only; an owner-scoped token sees every batch of its owner", () => {
    expect(viewerMaySeeBatch(batchScope, "acme", batchScope.batchId)).toBe(true);
    expect(viewerMaySeeBatch(batchScope, "acme", "bat_bbbbbbbbbbbbbbbbbbbbbbbbbb")).toBe(false);
    const ownerScope = { owner: "acme", jobId: null, expiresAt: NOW + 1000 };
    expect(viewerMaySeeBatch(ownerScope, "acme", "bat_bbbbbbbbbbbbbbbbbbbbbbbbbb")).toBe(true);
    expect(viewerMaySeeBatch({ ...ownerScope, jobId: "job_x" }, "acme", batchScope.batchId)).toBe(false);
  });
});
