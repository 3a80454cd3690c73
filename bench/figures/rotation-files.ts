import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../lib/build";

const START = "<!-- rotation-files -->";
const END = "<!-- /rotation-files -->";

/**
 * Issue 17's "files a rotation passes through": traced by hand through the imports and listed
 * in the README between the rotation-files markers; the bench counts that list and checks that
 * every file on it exists, so a list gone stale fails here instead of printing a wrong figure.
 */
export function rotationFiles(): { files: string[]; missing: string[] } {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} list`);
  // A file passed on the way there and back again counts once.
  const files = [
    ...new Set([...readme.slice(start, end).matchAll(/`([\w@()[\]./-]+\.tsx?)`/g)].map((match) => match[1] ?? "")),
  ];
  return { files, missing: files.filter((file) => !existsSync(join(REPO, file))) };
}
