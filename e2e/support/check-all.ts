import fc from "fast-check";

/**
 * Runs `check` on `runs` random samples, `concurrency` at a time. Unlike fc.assert this
 * does not shrink a failure, so the failing input is reported as generated.
 */
export async function checkAll<T>(
  arbitrary: fc.Arbitrary<T>,
  runs: number,
  check: (value: T) => Promise<void>,
  concurrency = 4,
): Promise<void> {
  const samples = fc.sample(arbitrary, runs);
  let next = 0;
  const worker = async () => {
    while (next < samples.length) {
      const sample = samples[next++] as T;
      try {
        await check(sample);
      } catch (error) {
        throw new Error(`failed for input ${fc.stringify(sample)}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
