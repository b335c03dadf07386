/**
 * One describe block per browser test file: a `wrangler dev` in DEMO_MODE
 * (the sign-in form is filled with the dev key) serving the built web/dist,
 * and a Chromium signed in to the console, shared by its tests.
 * Without Chromium the block is skipped with a message saying so, unless
 * REQUIRE_BROWSER=1 (CI), where that is a failure.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startDevServer, type DevServer } from "../e2e/dev-server";
import { CHROMIUM_PATH, hasChromium, launchChromium, type Browser } from "./chromium";

export const ROOT = join(import.meta.dirname, "../..");
export const WAIT = { timeout: 20_000 };

/**
 * Where a test's screenshot goes: docs/ (shown in the README) with
 * UPDATE_SCREENSHOTS=1, else .tmp/screenshots/, so a test run leaves the tree clean.
 */
export function screenshotPath(name: string): string {
  return process.env.UPDATE_SCREENSHOTS === "1" ? join(ROOT, "docs", name) : join(ROOT, ".tmp/screenshots", name);
}

export interface Harness {
  server: DevServer;
  browser: Browser;
  /** A new tab at `path` of the dev server. */
  open(path: string): Promise<Page>;
}

/** Signs `page` in with the key the form was filled with (the dev key), or with `key`. */
export async function signIn(page: Page, key?: string): Promise<void> {
  const field = await page.waitForSelector("input[name=api_key]", WAIT);
  if (key !== undefined) await field.fill(key);
  else await page.waitForFunction(() => (document.querySelector("input[name=api_key]") as HTMLInputElement).value !== "", null, WAIT);
  await page.click("button[type=submit]:has-text('Sign in')");
  await page.waitForSelector("[data-testid=owner]", WAIT);
}

export function describeInChromium(name: string, body: (harness: Harness) => void): void {
  if (!hasChromium() && process.env.REQUIRE_BROWSER !== "1") {
    // Written past vitest's console capture, so the reason shows in every run.
    process.stderr.write(`\n[browser] ${name}: SKIPPED, no Chromium at ${CHROMIUM_PATH}; apt-get install chromium\n`);
    describe.skip(`${name}: skipped, no Chromium at ${CHROMIUM_PATH} (apt-get install chromium; REQUIRE_BROWSER=1 fails instead)`, () => {
      it("needs Chromium", () => {});
    });
    return;
  }
  describe(name, () => {
    const harness = {
      open: async (path: string) => {
        const page = await harness.browser.context.newPage();
        await page.goto(`${harness.server.url}${path}`);
        return page;
      },
    } as Harness;
    beforeAll(async () => {
      if (!hasChromium()) throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM_PATH}: apt-get install chromium`);
      if (!existsSync(join(ROOT, "web/dist/index.html"))) throw new Error("web/dist is not built: run `npm run build`");
      [harness.server, harness.browser] = await Promise.all([
        startDevServer({ vars: { DEMO_MODE: "true" }, devKey: true }),
        launchChromium(),
      ]);
      // One sign-in for the whole file: the profile keeps the session cookie.
      const page = await harness.open("/");
      await signIn(page);
      await page.close();
    }, 90_000);
    afterAll(async () => {
      await harness.browser?.close();
      await harness.server?.stop();
    });
    body(harness);
  });
}
