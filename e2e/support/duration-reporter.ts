import path from "node:path";
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";
import { durationSummary, type TestDuration } from "./duration-summary";

/**
 * Prints the sum of per-test durations and the slowest tests after every run (playwright.config.ts
 * adds it beside the list reporter), so the suite's cost is in each run's output.
 */
export default class DurationReporter implements Reporter {
  private readonly tests: TestDuration[] = [];
  private rootDir = "";

  onBegin(config: FullConfig): void {
    this.rootDir = config.rootDir;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.tests.push({
      title: test.title,
      file: path.relative(this.rootDir, test.location.file),
      durationMs: result.duration,
    });
  }

  onEnd(result: FullResult): void {
    console.log(`\n${durationSummary(this.tests, result.duration).join("\n")}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
