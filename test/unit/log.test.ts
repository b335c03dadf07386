/**
 * Log redaction: credential-like fields never reach a log line.
 */
import { describe, expect, it } from "vitest";
import { redact } from "../../workers/log";

const MASK = "[redacted]";

describe("redact", () => {
  it("masks a token field", () => {
    expect(redact({ token: "1.abc" }).token).toBe(MASK);
  });

  it("masks fields whose names only contain a credential word", () => {
    const fields = { callback_token: "1.abc", signingSecret: "s3cret" };
    expect(redact(fields)).toEqual({ callback_token: MASK, signingSecret: MASK });
  });

  it("masks an Authorization field whatever its case", () => {
    expect(redact({ Authorization: "Bearer key" }).Authorization).toBe(MASK);
  });

  it.each(["password", "api_key", "apiKey", "sig", "signature"])("masks a %s field", (field) => {
    expect(redact({ [field]: "value" })[field]).toBe(MASK);
  });

  it("masks a whole object held under a credential name", () => {
    expect(redact({ secret: { value: "s3cret" } }).secret).toBe(MASK);
  });

  it("masks credentials in nested objects", () => {
    expect(redact({ request: { headers: { authorization: "Bearer key", accept: "*/*" } } })).toEqual({
      request: { headers: { authorization: MASK, accept: "*/*" } },
    });
  });

  it("masks credentials in objects inside arrays", () => {
    const line = JSON.stringify(redact({ attempts: [{ attempt: 1, token: "1.abc" }] }));
    expect(line).not.toContain("1.abc");
  });

  it("masks hyphenated API key and cookie fields", () => {
    expect(redact({ "x-api-key": "k", cookie: "c" })).toEqual({ "x-api-key": "[redacted]", cookie: "[redacted]" });
  });

  it("logs an error as its name and message", () => {
    expect(redact({ error: new TypeError("boom") })).toEqual({ error: { name: "TypeError", message: "boom" } });
  });

  it("leaves other fields as they are", () => {
    const fields = { job_id: "job_x", status: 200, ok: true, missing: null, tags: ["a", "b"] };
    expect(redact(fields)).toEqual(fields);
  });

  it("does not change the fields it is given", () => {
    const fields = { token: "1.abc", nested: { secret: "s" } };
    redact(fields);
    expect(fields).toEqual({ token: "1.abc", nested: { secret: "s" } });
  });
});
