/**
 * A throwaway PostgreSQL for the e2e run, started before the consoles that share it (consoles
 * A and B: two instances on one database, as deployed) by e2e/support/test-servers.ts. It lives
 * as long as this process: the SIGTERM at the end stops the cluster and deletes its data. A
 * signal while the cluster is still being made (a run whose other servers failed to start)
 * stops it as soon as it exists: its server runs in a session of its own, which no group signal
 * reaches. Run: `tsx e2e/support/serve-postgres.ts <port>`.
 */
import { createPostgresCluster } from "./postgres-cluster";

const port = Number(process.argv[2]);
const creating = createPostgresCluster({ port });

let stopping = false;
function shutDown() {
  if (stopping) return;
  stopping = true;
  creating.then((cluster) => cluster.destroy()).finally(() => process.exit(0));
}
process.on("SIGTERM", shutDown);
process.on("SIGINT", shutDown);
process.on("SIGHUP", shutDown);

const cluster = await creating;
console.log(`e2e PostgreSQL listening on 127.0.0.1:${cluster.port}`);
// Keep the process (and so the cluster) alive until it is stopped.
setInterval(() => undefined, 1 << 30);
