import { SERVERS } from "./servers";
import { startTestServers } from "./test-servers";

/**
 * Refuses to run against anything but this machine (e2e tests rotate keys for real), then starts
 * the servers the specs share; the function it returns is Playwright's teardown, which stops them.
 */
export default async function globalSetup() {
  for (const server of Object.values(SERVERS)) {
    const host = new URL(server.url).hostname;
    if (host !== "127.0.0.1" && host !== "localhost")
      throw new Error(`e2e must run against loopback only, not ${server.url}`);
  }
  if (process.env.FAUCET_API_URL) throw new Error("Unset FAUCET_API_URL: e2e tests never talk to a real faucet.");
  return startTestServers();
}
