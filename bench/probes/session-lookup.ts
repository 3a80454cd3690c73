/**
 * Run in a child process (`tsx --conditions=react-server`, so `server-only` imports as the
 * empty module it is on the server) with DATABASE_URL or CONSOLE_DATA_DIR naming the store:
 * opens the process's one store as the console does (getStore(): open and migrate), creates
 * one session row, then times the lookup every console request makes
 * (lookupSessionRecord: one SELECT by primary key and opening the sealed operator key)
 * SAMPLES times after WARM_UP. Prints one JSON line: the samples' percentiles in ms.
 */
import { createSessionRecord, lookupSessionRecord } from "@/lib/session/session-records";
import { closeStore, getStore } from "@/lib/store/get-store";
import { percentile } from "../lib/stats";

const WARM_UP = 200;
const SAMPLES = Number(process.env.BENCH_LOOKUP_SAMPLES ?? 2_000);

async function main() {
  const store = await getStore();
  const now = Date.now();
  const { id, sessionKey } = await createSessionRecord({
    operatorId: 1,
    operatorName: "Bench",
    operatorKey: "bench-operator-key-not-a-real-one",
    operatorKeyTail: "abcd",
    now,
  });
  const samples: number[] = [];
  for (let i = 0; i < WARM_UP + SAMPLES; i++) {
    const start = performance.now();
    // `now` stays within the minute, so no lookup writes last_seen_at (one write a minute in the console).
    const lookup = await lookupSessionRecord(id, sessionKey, now + 1);
    const ms = performance.now() - start;
    if (lookup.kind !== "live") throw new Error(`lookup ${i} read ${lookup.kind}`);
    if (i >= WARM_UP) samples.push(ms);
  }
  await closeStore();
  console.log(
    JSON.stringify({
      engine: store.engine,
      samples: SAMPLES,
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
      p99: percentile(samples, 99),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
