/**
 * A throwaway PostgreSQL for the e2e run, started by Playwright as a "web server" before the
 * consoles that share it (consoles A and B: two instances on one database, as deployed).
 * It lives as long as this process: Playwright's SIGTERM at the end stops the cluster and
 * deletes its data. Run: `tsx e2e/support/serve-postgres.ts <port>`.
 */
import { createPostgresCluster } from "./postgres-cluster";

const port = Number(process.argv[2]);
const cluster = await createPostgresCluster({ port });
console.log(`e2e PostgreSQL listening on 127.0.0.1:${cluster.port}`);

let stopping = false;
function shutDown() {
  if (stopping) return;
  stopping = true;
  try {
    cluster.destroy();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", shutDown);
process.on("SIGINT", shutDown);
process.on("SIGHUP", shutDown);
// Keep the process (and so the cluster) alive until Playwright stops it.
setInterval(() => undefined, 1 << 30);
