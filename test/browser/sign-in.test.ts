/**
 * The console's sign-in in Chromium: the dev key filled in and signed in with
 * one click, sign-out, another key typed in, and a revoked key's session
 * refused at once.
 */
import { expect, it } from "vitest";
import { describeInChromium, signIn, WAIT } from "./harness";

describeInChromium("sign-in in Chromium", (h) => {
  it("keeps the key out of the page: the session is an HttpOnly cookie", async () => {
    const page = await h.open("/");
    await page.waitForSelector("[data-testid=owner]", WAIT);
    expect(await page.evaluate(() => document.cookie)).toBe("");
    const cookies = await h.browser.context.cookies(h.server.url);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([["tracker_session", true, "Strict"]]);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain("sk_");
    await page.close();
  }, 60_000);

  it("signs out, and signs in again with the key filled in", async () => {
    const page = await h.open("/");
    await page.click("button:has-text('Sign out')");
    await page.waitForSelector("input[name=api_key]", WAIT);
    const status = await page.evaluate(() => fetch("/api/jobs").then((r) => r.status));
    expect(status).toBe(401);
    await signIn(page);
    expect(await page.evaluate(() => fetch("/api/jobs").then((r) => r.status))).toBe(200);
    await page.close();
  }, 60_000);

  it("refuses a wrong key with a message", async () => {
    const page = await h.open("/");
    await page.click("button:has-text('Sign out')");
    await page.fill("input[name=api_key]", "sk_not_a_real_key_000000000000000000");
    await page.click("button[type=submit]");
    await page.waitForSelector("[role=alert]:has-text('not valid')", WAIT);
    await signIn(page, h.server.apiKey);
    await page.close();
  }, 60_000);

  it("ends the session of a key as soon as it is revoked", async () => {
    const created = h.server.keys("create", "--owner", "default", "--name", "to revoke");
    const key = /^(sk_\S+)$/m.exec(created)![1]!;
    const keyId = /created client key (key_\S+)/.exec(created)![1]!;

    const page = await h.open("/");
    await page.click("button:has-text('Sign out')");
    await signIn(page, key);
    await page.waitForSelector("[data-testid=connection][data-state=live]", WAIT);
    h.server.keys("revoke", "--id", keyId);
    await page.reload();
    const notice = await page.waitForSelector("[data-testid=sign-in-notice]", WAIT);
    expect(await notice.textContent()).toContain("revoked");
    expect(await page.evaluate(() => fetch("/api/jobs").then((r) => r.status))).toBe(401);
    await signIn(page, h.server.apiKey);
    await page.close();
  }, 90_000);
});
