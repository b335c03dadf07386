/**
 * axe-core in the page under test: injected from the npm package, run on the
 * whole document, violations returned in a form a failing test can print.
 */
import axe from "axe-core";
import type { Page } from "playwright-core";

/** The page's accessibility violations ("rule: target, ..."), empty when clean. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(async () => {
    const run = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ["violations"] });
    return run.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(" ")} (${n.failureSummary ?? ""})`).join("; ")}`);
  });
  return result;
}
