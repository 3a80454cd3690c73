import { createServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as healthz } from "@/app/api/healthz/route";
import { GET as readyz } from "@/app/api/readyz/route";
import { createPostgresCluster, type PostgresCluster } from "@/e2e/support/postgres-cluster";
import { createDatabase, testStores } from "@/e2e/support/test-stores";
import { closeStore } from "@/lib/store/get-store";
import { faucetReachable, FAUCET_PROBE_EVERY_MS, readiness, status } from "./health";

async function answer(response: Response) {
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    cache: response.headers.get("cache-control"),
    body: (await response.json()) as { status: string; checks: Record<string, unknown> },
  };
}

// Stops and starts PostgreSQL, so it has a cluster of its own.
describe("/api/healthz and /api/readyz while PostgreSQL goes down and comes back", () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  const saved = process.env.DATABASE_URL;
  const stores = testStores("postgres");

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    databaseUrl = await createDatabase(cluster.url);
    process.env.DATABASE_URL = databaseUrl;
  });
  afterAll(async () => {
    await closeStore();
    await stores.cleanup();
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    cluster?.destroy();
  });

  it("readyz says pass, then fail (503) within about a second while the database is stopped, then pass again; healthz 200 throughout", async () => {
    const up = await answer(await readyz());
    expect(up).toMatchObject({
      status: 200,
      type: "application/health+json",
      cache: "no-store",
      body: { status: "pass" },
    });
    expect((await healthz()).status).toBe(200);

    cluster.stop();
    try {
      const started = performance.now();
      const down = await answer(await readyz());
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(down).toMatchObject({
        status: 503,
        type: "application/health+json",
        cache: "no-store",
        body: { status: "fail" },
      });
      const live = await answer(await healthz());
      expect(live).toMatchObject({ status: 200, cache: "no-store", body: { status: "pass" } });
      // Nothing of the configuration: no host, port, user or database name.
      const text = JSON.stringify(down.body);
      for (const secret of [String(cluster.port), "127.0.0.1", "postgres", new URL(databaseUrl).pathname.slice(1)])
        expect(text).not.toContain(secret);
    } finally {
      cluster.start();
    }
    expect((await answer(await readyz())).body.status).toBe("pass");
    expect((await healthz()).status).toBe(200);
  });

  it("says fail while the store lacks a migration this build has", async () => {
    const bare = await stores.open({ databaseUrl: await createDatabase(cluster.url) });
    await bare.db.execute("create schema drizzle; create table drizzle.__drizzle_migrations (id serial primary key)");
    const ready = await readiness({ store: async () => bare });
    expect(ready.status).toBe("fail");
    expect(ready.checks["store:responseTime"]).toMatchObject([{ status: "pass" }]);
    expect(ready.checks["store:migrations"]).toMatchObject([{ status: "fail" }]);
  });

  it("says fail within the bound against a database that accepts the connection but never answers", async () => {
    const silent = createTcpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (typeof address !== "object" || !address) throw new Error("no address");
    try {
      const hung = await stores.open({ databaseUrl: `postgres://postgres@127.0.0.1:${address.port}/postgres` });
      const started = performance.now();
      const ready = await readiness({ store: async () => hung, timeoutMs: 300 });
      expect(performance.now() - started).toBeLessThan(800);
      expect(ready.checks["store:responseTime"]).toMatchObject([
        { status: "fail", output: "The store did not answer within 300 ms." },
      ]);
    } finally {
      silent.close();
    }
  });

  it("status warns (still 200-worthy) when the faucet is down, and probes it at most once per interval", async () => {
    let probes = 0;
    const faucet: Server = createServer((_request, response) => {
      probes += 1;
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => faucet.listen(0, "127.0.0.1", resolve));
    const address = faucet.address();
    if (typeof address !== "object" || !address) throw new Error("no address");
    const url = `http://127.0.0.1:${address.port}/ai-agents/api`;
    try {
      const now = Date.now();
      expect(await faucetReachable(url, now)).toBe(true);
      expect(await faucetReachable(url, now + 1)).toBe(true);
      expect(probes).toBe(1);
      faucet.close();
      // Down, but the last answer stands until the interval has passed.
      expect(await faucetReachable(url, now + FAUCET_PROBE_EVERY_MS + 1)).toBe(false);
      expect(probes).toBe(1);
    } finally {
      faucet.close();
    }
    const warned = await status({ faucet: async () => false });
    expect(warned.status).toBe("warn");
    expect(warned.checks["faucet:reachability"]).toEqual([{ status: "warn", output: "The faucet cannot be reached." }]);
    expect((await status({ faucet: async () => true })).status).toBe("pass");
  });
});
