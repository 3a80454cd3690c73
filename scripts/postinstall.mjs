/**
 * npm install's last step: the store template `npm run dev` loads on a first start instead of
 * running initdb (lib/store/store-template.ts), so the Quick start's first page comes 4–5 s
 * sooner. Plain JavaScript, and it never fails the install. Without the dev tools (an install
 * with --omit=dev runs a build made elsewhere, which brings its own template) it does nothing;
 * if it cannot make the template, a first `npm run dev` runs initdb as it did before.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const tsx = "node_modules/.bin/tsx";
if (existsSync(tsx)) {
  const made = spawnSync(tsx, ["--conditions=react-server", "scripts/make-store-template.ts", "--install"], {
    stdio: "inherit",
  });
  if (made.status !== 0)
    console.warn("No store template for `npm run dev`: its first start will run initdb (a few seconds more).");
}
