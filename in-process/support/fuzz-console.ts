import { afterAll, beforeAll } from "vitest";
import { startInProcessConsole, type InProcessConsole, type InProcessConsoleOptions } from "./in-process-console";

/** How many random inputs each in-process fuzz property tries. */
export const FUZZ_RUNS = 1000;

/** Starts the in-process console before the file's tests and closes it after them. */
export function inProcessConsoleForFile(options: InProcessConsoleOptions = {}): { readonly console: InProcessConsole } {
  let started: InProcessConsole | undefined;
  beforeAll(async () => {
    started = await startInProcessConsole(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get console() {
      if (!started) throw new Error("The in-process console is used before its beforeAll started it.");
      return started;
    },
  };
}
