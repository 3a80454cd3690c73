import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runToCompletion } from "./processes";

export const REPO = resolve(import.meta.dirname, "..", "..");
const NEXT_BIN = join(REPO, "node_modules", ".bin", "next");

/**
 * `next build` into a dist dir of the bench's own, then the store template, as `npm run build` does. Next rewrites tsconfig.json when the
 * dist dir is not `.next` (it adds the dir's type folders): the file is put back as it was.
 * BENCH_REUSE_BUILD=1 skips a build whose output is already there (for re-runs while
 * working on the bench itself; a measured run should build).
 */
export async function buildConsole(distDir: string, logDir: string): Promise<void> {
  if (process.env.BENCH_REUSE_BUILD === "1" && existsSync(join(REPO, distDir, "BUILD_ID"))) return;
  const tsconfig = join(REPO, "tsconfig.json");
  const original = readFileSync(tsconfig, "utf8");
  try {
    await runToCompletion("next build (console)", NEXT_BIN, ["build"], {
      cwd: REPO,
      env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
      logFile: join(logDir, "build-console.log"),
    });
    // `npm run build`'s postbuild: the migrated store template a first start on a new data dir loads.
    await runToCompletion(
      "store template (console)",
      join(REPO, "node_modules", ".bin", "tsx"),
      ["--conditions=react-server", "scripts/make-store-template.ts"],
      {
        cwd: REPO,
        env: { ...process.env, NEXT_DIST_DIR: distDir },
        logFile: join(logDir, "build-store-template.log"),
      },
    );
  } finally {
    writeFileSync(tsconfig, original);
  }
}

const EMPTY_LAYOUT = `import type { ReactNode } from "react";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;

const EMPTY_PAGE = `export default function Page() {
  return <main>Hello</main>;
}
`;

/**
 * The baseline of figure 2: the smallest App Router app (a layout and a page), built with
 * the same Next.js and bundler as the console, from this repo's node_modules (a symlink).
 */
export async function buildEmptyApp(dir: string, logDir: string): Promise<void> {
  await buildAppIn(dir, "empty app", logDir, () => {
    mkdirSync(join(dir, "app"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-empty-app", private: true }, null, 2));
    writeFileSync(join(dir, "app", "layout.tsx"), EMPTY_LAYOUT);
    writeFileSync(join(dir, "app", "page.tsx"), EMPTY_PAGE);
    // The symlink leads outside the app's directory: the bundler's root must include the repo.
    writeFileSync(join(dir, "next.config.mjs"), `export default { turbopack: { root: ${JSON.stringify("/")} } };\n`);
  });
}

/**
 * The floor of figure 1: bench/floor-app (one server action that calls the faucet and sets
 * one cookie), copied to `dir` and built there, so its build output stays out of the repo.
 */
export async function buildFloorApp(dir: string, logDir: string): Promise<void> {
  await buildAppIn(dir, "floor app", logDir, () => cpSync(join(REPO, "bench", "floor-app"), dir, { recursive: true }));
}

async function buildAppIn(dir: string, name: string, logDir: string, writeSources: () => void): Promise<void> {
  if (process.env.BENCH_REUSE_BUILD === "1" && existsSync(join(dir, ".next", "BUILD_ID"))) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeSources();
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  await runToCompletion(`next build (${name})`, NEXT_BIN, ["build"], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    logFile: join(logDir, `build-${name.replace(/ /g, "-")}.log`),
  });
}
