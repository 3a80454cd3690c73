/**
 * Seeds an operator's audit chain directly through the store, for the bench's /audit figures:
 * `tsx --conditions=react-server bench/seed-audit-events.ts <console data dir> <operator id> <events>`.
 * The console must be stopped (PGlite locks its directory). Events continue the chain from its
 * head, hashed like the app's own (HMAC under the console's audit key, resolved from the same
 * environment and data dir), so audit:verify stays clean: a third are one-shot sign-ins,
 * the rest rotations (a pending row and its completion), spread over the last 300 days.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { eq } from "drizzle-orm";
import { GENESIS_HASH, keyedAuditRowHash, type HashedAuditFields } from "@/lib/audit/audit-hash";
import { resolveAuditKeyring } from "@/lib/audit/audit-keys";
import { migrateStore } from "@/lib/store/migrate";
import { openStore } from "@/lib/store/open-store";
import { auditChains, auditEvents } from "@/lib/store/schema";

const [dataDir, operatorArg, countArg] = process.argv.slice(2);
const operatorId = Number(operatorArg);
const count = Number(countArg);
if (!dataDir || !Number.isInteger(operatorId) || !Number.isInteger(count) || count < 1) {
  console.error("usage: seed-audit-events.ts <console data dir> <operator id> <events>");
  process.exit(2);
}

const BATCH = 1_000;
const SPAN_MS = 300 * 86_400_000;
const chain = `operator:${operatorId}`;

const key = resolveAuditKeyring(process.env, dataDir).current;
const store = await openStore({ pgliteDir: path.join(dataDir, "store") });
try {
  await migrateStore(store);
  const [head] = await store.db.select().from(auditChains).where(eq(auditChains.chain, chain));
  let position = head?.headPosition ?? 0;
  let prevHash = head?.headHash ?? GENESIS_HASH;
  const start = Date.now() - SPAN_MS;
  const step = SPAN_MS / count;
  let made = 0;
  while (made < count) {
    const rows: (HashedAuditFields & { hash: string })[] = [];
    const link = (
      fields: Omit<
        HashedAuditFields,
        | "position"
        | "prevHash"
        | "chain"
        | "operatorId"
        | "sessionLabel"
        | "clientAddress"
        | "userAgent"
        | "instanceId"
        | "batchId"
        | "keyId"
      >,
    ) => {
      const unhashed = {
        ...fields,
        chain,
        operatorId,
        position: ++position,
        prevHash,
        sessionLabel: "be9c1a00",
        clientAddress: "192.0.2.7",
        userAgent: "bench-seeder",
        instanceId: "bench",
        batchId: null,
      };
      const { keyId, hash } = keyedAuditRowHash(unhashed, key);
      prevHash = hash;
      rows.push({ ...unhashed, keyId, hash });
    };
    for (let i = 0; i < BATCH && made < count; i++, made++) {
      const at = new Date(Math.floor(start + made * step));
      if (made % 3 === 0) {
        link({
          id: randomUUID(),
          at,
          action: "sign_in",
          target: "operator",
          agentName: null,
          outcome: "ok",
          refusal: null,
          keyLabel: "lf_…0000",
          completes: null,
        });
        continue;
      }
      const id = randomUUID();
      const target = `agent:${1 + (made % 50)}`;
      const agentName = `Bench agent ${1 + (made % 50)}`;
      link({
        id,
        at,
        action: "rotate_agent_key",
        target,
        agentName,
        outcome: "pending",
        refusal: null,
        keyLabel: null,
        completes: null,
      });
      const refused = made % 7 === 0;
      link({
        id: randomUUID(),
        at: new Date(at.getTime() + 200),
        action: "rotate_agent_key",
        target,
        agentName,
        outcome: refused ? "refused" : "ok",
        refusal: refused ? "cooldown" : null,
        keyLabel: refused ? null : `agent_…${(made % 65_536).toString(16).padStart(4, "0")}`,
        completes: id,
      });
    }
    await store.db.transaction(async (tx) => {
      await tx.insert(auditEvents).values(rows);
      await tx
        .insert(auditChains)
        .values({ chain, headPosition: position, headHash: prevHash })
        .onConflictDoUpdate({ target: auditChains.chain, set: { headPosition: position, headHash: prevHash } });
    });
  }
  console.log(`seeded ${count} events (${position - (head?.headPosition ?? 0)} rows) for ${chain}`);
} finally {
  await store.close();
}
