/**
 * Callback tokens: `<attempt>.<HMAC>` bound to one job and one attempt.
 */
import { describe, expect, it } from "vitest";
import { signCallbackToken, verifyCallbackToken } from "../../workers/auth/callback-token";

const SECRET = "unit-test-secret-0123456789abcdef";
const JOB = "job_aaaaaaaaaaaaaaaaaaaaaaaaaa";
const OTHER_JOB = "job_bbbbbbbbbbbbbbbbbbbbbbbbbb";

/** The token with one character of its signature replaced. */
function tamper(token: string): string {
  const dot = token.indexOf(".");
  const i = dot + 10;
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
}

describe("callback tokens", () => {
  it("verifies a token to the attempt it was signed for", async () => {
    const token = await signCallbackToken(SECRET, JOB, 2);
    expect(await verifyCallbackToken(SECRET, JOB, token)).toBe(2);
  });

  it("shows the attempt in the token", async () => {
    expect(await signCallbackToken(SECRET, JOB, 3)).toMatch(/^3\.[A-Za-z0-9_-]+$/);
  });

  it("gives each attempt its own token", async () => {
    expect(await signCallbackToken(SECRET, JOB, 1)).not.toBe(await signCallbackToken(SECRET, JOB, 2));
  });

  it("refuses a token signed for another job", async () => {
    const token = await signCallbackToken(SECRET, OTHER_JOB, 1);
    expect(await verifyCallbackToken(SECRET, JOB, token)).toBeNull();
  });

  it("refuses a token signed with another secret", async () => {
    const token = await signCallbackToken("another-secret-0123456789abcdef", JOB, 1);
    expect(await verifyCallbackToken(SECRET, JOB, token)).toBeNull();
  });

  it("refuses a token whose signature was altered", async () => {
    const token = tamper(await signCallbackToken(SECRET, JOB, 1));
    expect(await verifyCallbackToken(SECRET, JOB, token)).toBeNull();
  });

  it("refuses a token whose attempt was changed to a later one", async () => {
    const [, sig] = (await signCallbackToken(SECRET, JOB, 1)).split(".");
    expect(await verifyCallbackToken(SECRET, JOB, `2.${sig}`)).toBeNull();
  });

  it.each(["", "abc", "1.", ".abc", "0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "1.short", "1.a.b"])(
    "refuses the malformed token %j",
    async (token) => {
      expect(await verifyCallbackToken(SECRET, JOB, token)).toBeNull();
    },
  );

  it("refuses a genuine token with extra characters after it", async () => {
    const token = await signCallbackToken(SECRET, JOB, 1);
    expect(await verifyCallbackToken(SECRET, JOB, `${token}x`)).toBeNull();
  });
});
