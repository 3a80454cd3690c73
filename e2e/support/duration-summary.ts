/** One finished test attempt as the duration reporter saw it. */
export type TestDuration = { title: string; file: string; durationMs: number };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The lines printed at the end of every Playwright run (issue 18): the sum of per-test
 * durations, the figure the suite's cost is tracked by (wall time depends on workers and
 * load), then the slowest tests and the costliest spec files. Retries count: they cost too.
 */
export function durationSummary(tests: TestDuration[], wallMs: number, slowest = 15): string[] {
  const total = tests.reduce((sum, test) => sum + test.durationMs, 0);
  const byFile = new Map<string, number>();
  for (const test of tests) byFile.set(test.file, (byFile.get(test.file) ?? 0) + test.durationMs);
  const slowTests = [...tests].sort((a, b) => b.durationMs - a.durationMs).slice(0, slowest);
  const slowFiles = [...byFile].sort((a, b) => b[1] - a[1]).slice(0, slowest);
  return [
    `sum of test durations: ${Math.round(total / 1000)} s over ${tests.length} test runs (wall time ${seconds(wallMs)})`,
    `slowest ${slowTests.length} tests:`,
    ...slowTests.map((test) => `  ${seconds(test.durationMs).padStart(8)}  ${test.file} › ${test.title}`),
    `costliest ${slowFiles.length} spec files (sum of their test durations):`,
    ...slowFiles.map(([file, ms]) => `  ${seconds(ms).padStart(8)}  ${file}`),
  ];
}
