import "server-only";
import { getEmbeddedFaucet } from "@/lib/emulator/embedded";
import { TransportError, type FaucetTransport } from "./transport";

/** The embedded faucet, called in-process: same contract, no socket in between. */
export function createEmbeddedTransport(): FaucetTransport {
  return async (body, signal) => {
    // The signal lets a request that timed out during injected latency be dropped unprocessed, as over HTTP.
    const reply = await getEmbeddedFaucet().handle({ bodyText: JSON.stringify(body), headers: {}, signal });
    if (reply.dropped) throw new TransportError("reply dropped", true);
    return { status: reply.status, text: reply.body };
  };
}
