import path from "node:path";

/** Where the console keeps its own files (the generated session secret): CONSOLE_DATA_DIR or ./.data. */
export function consoleDataDir(): string {
  return process.env.CONSOLE_DATA_DIR?.trim() || path.join(process.cwd(), ".data");
}
