import { chromium, type Browser } from "playwright-core";

/** Debian's chromium, with the flags that keep it from doing anything in the background. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.BENCH_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
