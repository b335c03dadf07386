/**
 * Job ids: random, or derived from owner and Idempotency-Key; always
 * `job_` and 26 base32 characters.
 */
import { describe, expect, it } from "vitest";
import { JOB_ID_PATTERN, idempotentJobId, isJobId, newJobId } from "../../workers/jobs/job-id";

const SECRET = "unit-test-secret-0123456789abcdef";

describe("newJobId", () => {
  it("matches the job id pattern", () => {
    expect(newJobId()).toMatch(JOB_ID_PATTERN);
  });

  it("differs on every call", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newJobId()));
    expect(ids.size).toBe(100);
  });
});

describe("idempotentJobId", () => {
  it("matches the job id pattern", async () => {
    expect(await idempotentJobId(SECRET, "default", "order-42")).toMatch(JOB_ID_PATTERN);
  });

  it("gives the same id for the same owner and key", async () => {
    const first = await idempotentJobId(SECRET, "default", "order-42");
    expect(await idempotentJobId(SECRET, "default", "order-42")).toBe(first);
  });

  it("gives different owners different ids for the same key", async () => {
    const alice = await idempotentJobId(SECRET, "alice", "order-42");
    expect(await idempotentJobId(SECRET, "bob", "order-42")).not.toBe(alice);
  });

  it("gives different keys of one owner different ids", async () => {
    const first = await idempotentJobId(SECRET, "default", "order-42");
    expect(await idempotentJobId(SECRET, "default", "order-43")).not.toBe(first);
  });

  it("keeps owner and key apart when either contains a colon", async () => {
    expect(await idempotentJobId(SECRET, "a:b", "c")).not.toBe(await idempotentJobId(SECRET, "a", "b:c"));
  });

  it("cannot be predicted without the secret", async () => {
    const other = "another-secret-0123456789abcdef";
    const ours = await idempotentJobId(SECRET, "default", "order-42");
    expect(await idempotentJobId(other, "default", "order-42")).not.toBe(ours);
  });
});

describe("isJobId", () => {
  it("accepts a fresh id", () => {
    expect(isJobId(newJobId())).toBe(true);
  });

  it.each([
    ["a wrong prefix", "jb_aaaaaaaaaaaaaaaaaaaaaaaaaa"],
    ["one character short", "job_aaaaaaaaaaaaaaaaaaaaaaaaa"],
    ["one character long", "job_aaaaaaaaaaaaaaaaaaaaaaaaaaa"],
    ["capitals", "job_AAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["digits outside base32", "job_aaaaaaaaaaaaaaaaaaaaaaaa01"],
    ["a trailing newline", "job_aaaaaaaaaaaaaaaaaaaaaaaaaa\n"],
  ])("rejects an id with %s", (_what, id) => {
    expect(isJobId(id)).toBe(false);
  });
});
