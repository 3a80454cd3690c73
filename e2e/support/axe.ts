import { createRequire } from "node:module";
import AxeBuilder from "@axe-core/playwright";
import type { AxeResults, Result, RunOptions } from "axe-core";
import { expect, type Page } from "@playwright/test";

type AxeInPage = { run(context: Document, options: RunOptions): Promise<AxeResults> };
type AxeWindow = Window & { axe?: AxeInPage };

/**
 * The axe-core that @axe-core/playwright itself runs (4.13, pinned by it), not the newer one
 * eslint-plugin-jsx-a11y hoists to the top of node_modules: the same rules as before.
 */
const fromAxeBuilder = createRequire(createRequire(import.meta.url).resolve("@axe-core/playwright"));
const axeSource = (fromAxeBuilder("axe-core") as { source: string }).source;

/**
 * Checks the whole page against every rule axe enables by default (its WCAG rules and its best
 * practices, nothing disabled): a violation is fixed in the component, never skipped here.
 *
 * The same axe-core and the same rules as `new AxeBuilder({ page }).analyze()`, run the way its
 * legacy mode runs them (`axe.run` in the page), but cheaper: `analyze()` evaluates axe's 650 kB
 * source in the page on every call and then opens a blank page, evaluates the source there
 * again and closes it, only to merge the results of frames. These pages have no frames, so axe
 * goes in once per document and each check is one `axe.run`. A page with frames still goes
 * through `AxeBuilder`, so that its frames are checked too.
 */
export async function expectNoAxeViolations(page: Page, what: string) {
  // A server action that sets a cookie (a rotation renews the session) gets the page rendered
  // again into its reply, <title> included: in one full run axe ran while the document had no
  // title, and the same check passed on retry. A page that never gets one still fails here.
  await expect(page, `${what} has a title`).toHaveTitle(/\S/);
  const summary = (await axeViolations(page)).map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
  );
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

/** What axe finds on the whole page (see `expectNoAxeViolations`). */
export async function axeViolations(page: Page): Promise<Result[]> {
  if (page.frames().length > 1) return (await new AxeBuilder({ page }).analyze()).violations;

  // A client-side navigation keeps the document, and axe with it; a full load starts a new one.
  if (!(await page.evaluate(() => typeof (window as AxeWindow).axe?.run === "function"))) {
    await page.evaluate(axeSource);
  }
  return page.evaluate(async () => {
    const inPage = (window as AxeWindow).axe;
    if (!inPage) throw new Error("axe-core is not in the page");
    // Every rule axe enables by default, on the whole document. `resultTypes` only trims the
    // report: passing rules list one node instead of a selector for every node they passed.
    const { violations } = await inPage.run(document, { resultTypes: ["violations"] });
    return violations;
  });
}
