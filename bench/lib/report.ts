import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export type Row = { figure: string; measured: string; target: string; pass: boolean | null };

/** Prints the figures as a table: figure, measured, target, pass/fail ("reported" when there is no target). */
export function printTable(rows: readonly Row[]): void {
  const cells = rows.map((row) => [
    row.figure,
    row.measured,
    row.target,
    row.pass === null ? "reported" : row.pass ? "pass" : "FAIL",
  ]);
  const header = ["figure", "measured", "target", "result"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] ?? "").length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const cell of cells) console.log(line(cell));
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;
