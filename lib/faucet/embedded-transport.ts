import "server-only";
import { createFaucetEmulator, type FaucetEmulator } from "faucet-emulator";
import { ConfigError, env, securitySettings } from "@/lib/config/env";
import { log } from "@/lib/log";
import { TransportError, type FaucetTransport } from "./transport";

/**
 * The embedded faucet (the faucet-emulator package), one instance per process, and the
 * transport that calls it in-process: same contract, no socket in between. The instance is
 * kept on globalThis because Next dev re-evaluates modules on hot reload, and a second
 * instance would find the data dir locked by the first. The console passes it its options.
 */

const INSTANCE = Symbol.for("lightning-faucet-emulator.embedded");
type Holder = { [INSTANCE]?: FaucetEmulator };

export type EmbeddedFaucetSettings = { dataDir: string; seedAgents: number | undefined };

/** FAUCET_DATA_DIR (.data/faucet, from the working directory); FAUCET_SEED_AGENTS (unset: the demo six). */
export function readEmbeddedFaucetSettings(): EmbeddedFaucetSettings {
  return env().embeddedFaucet;
}

/** Start-up in demo mode: opens the embedded faucet now; a data dir it cannot use is a ConfigError. */
export function startEmbeddedFaucet(): void {
  try {
    getEmbeddedFaucet();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new ConfigError(
      `the embedded faucet cannot use its data directory ${readEmbeddedFaucetSettings().dataDir} (${reason}). Set FAUCET_DATA_DIR to another directory.`,
    );
  }
}

export function getEmbeddedFaucet(): FaucetEmulator {
  const holder = globalThis as Holder;
  const existing = holder[INSTANCE];
  if (existing) return existing;
  const settings = securitySettings();
  const created = createFaucetEmulator({
    ...readEmbeddedFaucetSettings(),
    printDemoKey: true,
    // Anyone who reaches a demo console reaches this faucet: keep its state bounded.
    maxOperators: settings.demoMaxOperators,
    maxAgentsPerOperator: settings.demoMaxAgentsPerOperator,
  });
  holder[INSTANCE] = created;
  return created;
}

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
