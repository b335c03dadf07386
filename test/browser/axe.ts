/**
 * axe-core in the page under test: injected from the npm package, run on the
 * whole document, violations returned in a form a failing test can print.
 */
import axe from "axe-core";
import type { Page } from "playwright-core";

/** The page's accessibility violations ("rule: target, ..."), empty when clean. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over CDP, which the page's CSP (script-src 'self') does not block, unlike a script tag.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const run = await (window as unknown as { axe: typeof axe }).axe.run(document);
    return {
      passed: run.passes.map((p) => p.id),
      violations: run.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(" ")} (${n.failureSummary ?? ""})`).join("; ")}`),
    };
  });
  // A clean result must come from rules that ran, not from axe missing the page.
  if (!result.passed.includes("color-contrast")) throw new Error(`axe-core did not check colour contrast (passed: ${result.passed.join(", ")})`);
  return result.violations;
}
