import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { StoreDatabase } from "@/lib/store/store";
import { agentHosts, auditEvents } from "@/lib/store/schema";

/** Tests only: gives an agent a connected host (the hosts helper's enrolment writes the same row). */
export async function connectHost(db: StoreDatabase, operatorId: number, agentId: number): Promise<void> {
  const publicKey = randomBytes(32).toString("base64url");
  await db.insert(agentHosts).values({
    id: randomBytes(16).toString("base64url"),
    operatorId,
    agentId,
    name: `host-${agentId}`,
    sealingPublicKey: publicKey,
    signingPublicKey: publicKey,
    connectedAt: new Date(),
  });
}

/** Tests only: the operator's audit rows of one action (completions included). */
export async function auditRows(db: StoreDatabase, operatorId: number, action: string) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.operatorId, operatorId), eq(auditEvents.action, action)));
}

/** Polls `check` until it holds or `ms` pass; throws with what it last saw. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}
