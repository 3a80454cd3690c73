/**
 * Runs once when a server starts: a bad configuration stops start-up with a clear
 * message instead of failing on the first request. The store is opened and migrated
 * here too, so the first request does not pay for it. A store that cannot be used for a
 * reason that will not heal (its directory, a damaged data dir, a login PostgreSQL refuses)
 * stops start-up too; only a PostgreSQL that cannot be reached is logged in one line and
 * left to the requests, which refuse with "database cannot be reached" and each try again.
 */
export async function register() {
  // A framework flag, not configuration: Next.js sets it per runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Every variable parsed once (lib/config/env.ts): a bad value stops start-up, naming it.
  const { checkConfiguration, isDemoMode, stopStartingOnConfigError } = await import("./lib/config/env");
  checkConfiguration();
  // Client addresses for rate limits: the TCP peer, set in a header no client can forge.
  const { startPeerAddresses } = await import("./lib/security/peer-address");
  startPeerAddresses();
  const { installShutdown } = await import("./lib/ops/shutdown");
  // SIGTERM: refuse new requests, let changes in flight finish, close the store, exit 0.
  installShutdown();
  // The session secret (generated into the data dir for the embedded faucet) and the audit keys
  // derived from it: resolved now, so an unreadable secret file stops start-up, not a request.
  const { sessionPasswords } = await import("./lib/session/session-store");
  const { auditKeyring } = await import("./lib/audit/audit-keys");
  try {
    sessionPasswords();
    auditKeyring();
  } catch (error) {
    stopStartingOnConfigError(error);
  }
  if (isDemoMode()) {
    // At start-up, not at the first request that needs it: the demo operator's key is printed
    // now (as the README says), and a data dir it cannot use stops start-up here.
    const { startEmbeddedFaucet } = await import("./lib/faucet/embedded-transport");
    try {
      startEmbeddedFaucet();
    } catch (error) {
      stopStartingOnConfigError(error);
    }
  }
  const { openStoreAtStartup } = await import("./lib/store/get-store");
  await openStoreAtStartup().catch(stopStartingOnConfigError);
  // Audit retention: pruned by an unref'd timer, never on a request.
  const { startAuditPruning } = await import("./lib/audit/audit-retention");
  startAuditPruning();
  // Signed checkpoints of every chain's head, appended outside the store on unref'd timers.
  const { startAuditCheckpoints } = await import("./lib/audit/audit-checkpoints");
  startAuditCheckpoints();
  // Expired hand-offs' sealed keys erased by an unref'd timer (lib/handoff/).
  const { startHandoffSweep } = await import("./lib/handoff/handoff-sweep");
  startHandoffSweep();
  // Rotation policies (pg-boss on the store's engine): here unless WORKER_MODE=external, where
  // `npm run worker` runs them. Not awaited: pages do not wait for the worker; the drain stops it.
  const { env } = await import("./lib/config/env");
  if (env().workerMode === "embedded") {
    const { startProcessPolicyWorker } = await import("./lib/policies/policy-worker");
    void startProcessPolicyWorker();
  }
}
