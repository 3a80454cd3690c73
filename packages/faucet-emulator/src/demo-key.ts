import { hashSecret } from "./keys";
import type { FaucetState } from "./state";
import type { DataDir } from "./data-dir";

/**
 * The one exception to "keep only hashes": the demo operator's plaintext key is kept
 * in `<dataDir>/demo-operator.key` (mode 0600) so a local demo console can sign in
 * without a copy-paste step. It exists only for the seeded demo operator, never for
 * registered operators, and must not be used with real funds.
 */

export const DEMO_KEY_FILE = "demo-operator.key";

const PRINTED = Symbol.for("lightning-faucet-emulator.demo-key-printed");
type PrintFlag = { [PRINTED]?: boolean };

export function writeDemoKey(disk: DataDir, key: string): void {
  disk.writeSecretFile(DEMO_KEY_FILE, `${key}\n`);
}

/** The key from the file, if it still opens the demo operator's account; otherwise null. */
export function readDemoKey(disk: DataDir, state: FaucetState): string | null {
  const demoId = state.demoOperatorId;
  const operator = demoId === null ? undefined : state.operators.get(demoId);
  const key = disk.readTextFile(DEMO_KEY_FILE)?.trim();
  return operator && key && hashSecret(key) === operator.keyHash ? key : null;
}

/** Once per process, however many emulators start (tests, hot reloads). */
export function printDemoKeyOnce(key: string): void {
  const flag = globalThis as PrintFlag;
  if (flag[PRINTED]) return;
  flag[PRINTED] = true;
  console.log(`Demo operator key: ${key}`);
}
