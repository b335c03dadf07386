import { describe, expect, it } from "vitest";
import { takeToken, type Bucket } from "../../workers/rate-limit/token-bucket";

const T0 = Date.UTC(2030, 0, 1);

/** Takes `n` tokens at `now`, threading the bucket; returns how many were granted. */
function takeMany(bucket: Bucket | null, n: number, now: number, capacity = 3, perSecond = 1) {
  let granted = 0;
  for (let i = 0; i < n; i++) {
    const result = takeToken(bucket, capacity, perSecond, now);
    bucket = result.bucket;
    if (result.ok) granted++;
  }
  return { granted, bucket };
}

describe("token bucket", () => {
  it("allows a burst of its capacity, then refuses", () => {
    expect(takeMany(null, 5, T0).granted).toBe(3);
  });

  it("says how long until the next token", () => {
    const { bucket } = takeMany(null, 3, T0, 3, 0.5);
    const refused = takeToken(bucket, 3, 0.5, T0);
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 2 });
  });

  it("refills with time, but never beyond its capacity", () => {
    const { bucket } = takeMany(null, 3, T0);
    expect(takeMany(bucket, 5, T0 + 2000).granted).toBe(2);
    expect(takeMany(bucket, 5, T0 + 60_000).granted).toBe(3);
  });
});

describe("token bucket with a cost", () => {
  it("lets a take cost more than there is, then makes later takes wait for the refill", () => {
    const first = takeToken(null, 3, 1, T0, 10);
    expect(first.ok).toBe(true);
    expect(first.bucket.tokens).toBe(-7);
    const next = takeToken(first.bucket, 3, 1, T0 + 1000);
    expect(next).toMatchObject({ ok: false, retryAfterSeconds: 7 });
  });

  it("refuses a costly take when not even one token is there", () => {
    const { bucket } = takeMany(null, 3, T0);
    expect(takeToken(bucket, 3, 1, T0, 5).ok).toBe(false);
  });
});
