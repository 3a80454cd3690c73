import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

const globalForInstance = globalThis as { consoleInstanceId?: string };

/**
 * Which console process did something, for the rotation records (and, later, the audit
 * log): INSTANCE_ID when the deployment names its instances, else host, pid and a random
 * tail, so two runs of the same pid never look like one.
 */
export function instanceId(): string {
  globalForInstance.consoleInstanceId ??= process.env.INSTANCE_ID?.trim() || `${hostname()}:${process.pid}:${randomBytes(2).toString("hex")}`;
  return globalForInstance.consoleInstanceId;
}
