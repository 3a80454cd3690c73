/**
 * Runs once when a server starts: a bad configuration stops start-up with a clear
 * message instead of failing on the first request. The store is opened and migrated
 * here too, so the first request does not pay for it; a database that cannot be
 * reached is logged in one line by getStore() and does not stop the server: requests
 * then refuse with "database cannot be reached", and each one tries the store again.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Client addresses for rate limits: the TCP peer, set in a header no client can forge.
  const { startPeerAddresses } = await import("./lib/security/peer-address");
  startPeerAddresses();
  const { checkConfiguration } = await import("./lib/config/check-configuration");
  checkConfiguration();
  const { getStore } = await import("./lib/store/get-store");
  await getStore().catch(() => undefined);
  // Audit retention: pruned by an unref'd timer, never on a request.
  const { startAuditPruning } = await import("./lib/audit/audit-retention");
  startAuditPruning();
  // Signed checkpoints of every chain's head, appended outside the store on unref'd timers.
  const { startAuditCheckpoints } = await import("./lib/audit/audit-checkpoints");
  startAuditCheckpoints();
}
