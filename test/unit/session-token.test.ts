import { describe, expect, it } from "vitest";
import { MAX_SESSION_MS, originAllowed, signSession, verifySession } from "../../workers/auth/session-token";

const SECRET = "unit-test-secret-0123456789abcdef";
const NOW = Date.UTC(2030, 0, 1);
const claims = { owner: "acme", keyId: "key_abc123", expiresAt: NOW + 8 * 3600_000 };

describe("console sessions", () => {
  it("round-trip their owner, key id and expiry", async () => {
    expect(await verifySession(SECRET, await signSession(SECRET, claims, NOW), NOW)).toEqual({ ok: true, claims });
  });

  it("are refused once expired", async () => {
    const token = await signSession(SECRET, claims, NOW);
    expect(await verifySession(SECRET, token, claims.expiresAt)).toEqual({ ok: false, reason: "expired" });
  });

  it("cannot be signed for longer than 12 hours", async () => {
    await expect(signSession(SECRET, { ...claims, expiresAt: NOW + MAX_SESSION_MS + 1000 }, NOW)).rejects.toThrow();
  });

  it("are refused under another secret", async () => {
    const token = await signSession("another-secret-0123456789abcdef", claims, NOW);
    expect(await verifySession(SECRET, token, NOW)).toEqual({ ok: false, reason: "invalid" });
  });

  it("are refused when the payload is changed to another owner", async () => {
    const [prefix, , sig] = (await signSession(SECRET, claims, NOW)).split(".");
    const forged = btoa(JSON.stringify({ o: "other", k: claims.keyId, e: claims.expiresAt / 1000 })).replace(/=+$/, "");
    expect(await verifySession(SECRET, `${prefix}.${forged}.${sig}`, NOW)).toEqual({ ok: false, reason: "invalid" });
  });

  it("are refused when malformed or a viewer token", async () => {
    for (const token of ["", "s1", "s1.x.y.z", "vt1.abc.def", "s1.!!!.sig"]) {
      expect(await verifySession(SECRET, token, NOW)).toEqual({ ok: false, reason: "invalid" });
    }
  });
});

describe("the origin rule of cookie-authenticated requests", () => {
  const url = "https://tracker.example.com/api/jobs/job_x/cancel";
  const request = (method: string, origin: string | undefined, upgrade?: string) => ({ method, url, origin, upgrade });

  it("lets plain reads through without an Origin", () => {
    expect(originAllowed(request("GET", undefined))).toBe(true);
  });

  it("lets a write from the console's own origin through", () => {
    expect(originAllowed(request("POST", "https://tracker.example.com"))).toBe(true);
  });

  it("refuses a write from another origin or without one", () => {
    expect(originAllowed(request("POST", "https://evil.example"))).toBe(false);
    expect(originAllowed(request("DELETE", undefined))).toBe(false);
  });

  it("refuses a socket upgrade from another origin", () => {
    expect(originAllowed(request("GET", "https://evil.example", "websocket"))).toBe(false);
    expect(originAllowed(request("GET", "https://tracker.example.com", "websocket"))).toBe(true);
  });
});
