import "server-only";
import { getEmbeddedFaucet } from "@/lib/emulator/embedded";
import { log } from "@/lib/log";
import { TransportError, type FaucetTransport } from "./transport";

/** The embedded faucet, called in-process: same contract, no socket in between. */
export function createEmbeddedTransport(): FaucetTransport {
  return async (body, signal) => {
    let faucet;
    try {
      faucet = getEmbeddedFaucet();
    } catch (error) {
      // E.g. its data dir is locked by another process: nothing was sent.
      log.error("the embedded faucet could not start", error);
      throw new TransportError("embedded faucet unavailable", false);
    }
    // The signal lets a request that timed out during injected latency be dropped unprocessed, as over HTTP.
    const reply = await faucet.handle({ bodyText: JSON.stringify(body), headers: {}, signal });
    if (reply.dropped) throw new TransportError("reply dropped", true);
    return { status: reply.status, text: reply.body };
  };
}
