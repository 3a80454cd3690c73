import { ensureTestBrowser, thisMachine } from "./test-browser";

/**
 * First step of `npm test`: makes sure a chromium is there for the browser tests, or stops
 * at once with one line saying what to run (before the type check, lint, unit tests and build).
 */
const outcome = ensureTestBrowser(thisMachine);
if (outcome.ok) {
  console.log(`e2e browser: ${outcome.browser.executablePath} (${outcome.browser.source})`);
} else {
  console.error(outcome.message);
  process.exit(1);
}
