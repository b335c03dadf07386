/**
 * Signed download links: an HMAC over job id and expiry, checked without
 * any other credential.
 */
import { describe, expect, it } from "vitest";
import { signDownloadUrl, verifyDownloadSignature } from "../../workers/auth/download-link";

const SECRET = "unit-test-secret-0123456789abcdef";
const ORIGIN = "https://tracker.test";
const JOB = "job_aaaaaaaaaaaaaaaaaaaaaaaaaa";
const TTL = 3600;
/** Half a second past a whole second, so flooring to seconds shows. */
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0, 500);
const EXPIRES = Math.floor(NOW / 1000) + TTL;

/** Signs a link at NOW and returns its query values. */
async function signed(jobId = JOB, secret = SECRET) {
  const link = await signDownloadUrl(secret, ORIGIN, jobId, NOW, TTL);
  const url = new URL(link.url);
  return { link, url, expires: url.searchParams.get("expires")!, sig: url.searchParams.get("sig")! };
}

describe("signDownloadUrl", () => {
  it("points at the job's download route under the origin", async () => {
    const { url } = await signed();
    expect(`${url.origin}${url.pathname}`).toBe(`${ORIGIN}/api/jobs/${JOB}/download`);
  });

  it("expires the given number of seconds after now, in whole seconds", async () => {
    const { link, expires } = await signed();
    expect(Number(expires)).toBe(EXPIRES);
    expect(link.expires_at).toBe(new Date(EXPIRES * 1000).toISOString());
  });
});

describe("verifyDownloadSignature", () => {
  it("accepts a link it signed", async () => {
    const { expires, sig } = await signed();
    expect(await verifyDownloadSignature(SECRET, JOB, expires, sig, NOW)).toBe("valid");
  });

  it("still accepts the link at its expiry second", async () => {
    const { expires, sig } = await signed();
    expect(await verifyDownloadSignature(SECRET, JOB, expires, sig, EXPIRES * 1000)).toBe("valid");
  });

  it("reports a link past its expiry as expired", async () => {
    const { expires, sig } = await signed();
    expect(await verifyDownloadSignature(SECRET, JOB, expires, sig, EXPIRES * 1000 + 1)).toBe("expired");
  });

  it("refuses a link signed for another job", async () => {
    const { expires, sig } = await signed("job_bbbbbbbbbbbbbbbbbbbbbbbbbb");
    expect(await verifyDownloadSignature(SECRET, JOB, expires, sig, NOW)).toBe("invalid");
  });

  it("refuses a link signed with another secret", async () => {
    const { expires, sig } = await signed(JOB, "another-secret-0123456789abcdef");
    expect(await verifyDownloadSignature(SECRET, JOB, expires, sig, NOW)).toBe("invalid");
  });

  it("refuses a link whose signature was altered", async () => {
    const { expires, sig } = await signed();
    const altered = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    expect(await verifyDownloadSignature(SECRET, JOB, expires, altered, NOW)).toBe("invalid");
  });

  it("refuses a link whose expiry was pushed later", async () => {
    const { sig } = await signed();
    expect(await verifyDownloadSignature(SECRET, JOB, String(EXPIRES + 3600), sig, NOW)).toBe("invalid");
  });

  it("refuses an expired link whose signature is forged rather than calling it expired", async () => {
    const { sig } = await signed();
    expect(await verifyDownloadSignature(SECRET, JOB, "1", sig, NOW)).toBe("invalid");
  });

  it.each(["", "abc", "-1", "1e10", "12.5", "1234567890123"])("refuses the malformed expiry %j", async (expires) => {
    const { sig } = await signed();
    expect(await verifyDownloadSignature(SECRET, JOB, expires, sig, NOW)).toBe("invalid");
  });
});
