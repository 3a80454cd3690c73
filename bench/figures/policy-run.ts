import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../lib/build";
import { runToCompletion } from "../lib/processes";

export type PolicyRunFigure = {
  agents: number;
  latencyMs: number;
  /** The same number of agents rotated as a bulk run does on the server, in the same process. */
  bulkMs: number;
  policyMs: number;
  policyOk: number;
  policyCalls: number;
};

/**
 * Issue 23's policy figure: bench/policy-run.ts (its own process: the console's server modules,
 * pg-boss on its own throwaway PostgreSQL cluster, the emulator in-process at 50 ms) runs a
 * policy over `agents` agents with connected hosts; run.ts holds its time against figure 10's
 * browser-driven bulk run, and the script's own server-side bulk run is reported beside it.
 */
export async function measurePolicyRun(logDir: string, agents: number): Promise<PolicyRunFigure> {
  const logFile = join(logDir, "policy-run.log");
  await runToCompletion(
    "policy run (pg-boss, PostgreSQL)",
    join(REPO, "node_modules", ".bin", "tsx"),
    ["--conditions=react-server", "bench/policy-run.ts", String(agents)],
    { cwd: REPO, env: { ...process.env }, logFile },
  );
  const line = /policy-run: (\{.*\})/.exec(readFileSync(logFile, "utf8"));
  if (!line?.[1]) throw new Error(`no policy-run figure in ${logFile}`);
  return JSON.parse(line[1]) as PolicyRunFigure;
}
