import { describe, expect, it } from "vitest";
import { API_KEY_PATTERN, newApiKey } from "../../workers/auth/api-keys";
import { requireRole } from "../../workers/auth/key-role";
import { ApiError } from "../../workers/errors";

describe("API keys and their roles", () => {
  it("makes sk_ client keys by default and wk_ worker keys on request", async () => {
    const client = await newApiKey("acme", "backend", 0);
    const worker = await newApiKey("acme", "fleet", 0, "worker");
    expect(client.key).toMatch(/^sk_/);
    expect(client.row.role).toBe("client");
    expect(worker.key).toMatch(/^wk_/);
    expect(worker.row).toMatchObject({ role: "worker", owner: "acme", prefix: worker.key.slice(0, 10) });
    for (const key of [client.key, worker.key]) expect(key).toMatch(API_KEY_PATTERN);
  });

  it("lets a key of the wanted role through and refuses the other with wrong_key_role", async () => {
    const worker = { ...(await newApiKey("acme", "fleet", 0, "worker")).row };
    expect(requireRole(worker, "worker")).toBe(worker);
    try {
      requireRole(worker, "client");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(401);
      expect((err as ApiError).code).toBe("wrong_key_role");
    }
  });
});
