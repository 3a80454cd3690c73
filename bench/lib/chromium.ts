import { chromium, type Browser } from "playwright-core";
import { DEBIAN_CHROMIUM_ARGS, findTestBrowser, thisMachine } from "../../scripts/test-browser";

/**
 * The chromium the tests use (Playwright's own, else Debian's, with the flags that keep it from
 * doing anything in the background); BENCH_CHROMIUM names another executable.
 */
export function launchChromium(): Promise<Browser> {
  const override = process.env.BENCH_CHROMIUM;
  const found = override ? { executablePath: override, args: DEBIAN_CHROMIUM_ARGS } : findTestBrowser(thisMachine);
  if (!found) throw new Error("No chromium for the bench: run `npm run test:provision`.");
  return chromium.launch({ executablePath: found.executablePath, args: found.args });
}
