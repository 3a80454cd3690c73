/**
 * The stand-alone faucet's settings, read from its environment. The package's own small
 * parser: it imports nothing from the console, and the console passes the embedded
 * faucet its options itself.
 */

export const DEFAULT_DATA_DIR = ".data/faucet";
export const DEFAULT_PORT = 4010;

export type CliOptions = { port: number; dataDir: string; seedAgents: number | undefined; testControl: boolean };

/** A setting the faucet cannot start with; its message names the variable. */
export class FaucetOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaucetOptionError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * PORT (4010), FAUCET_DATA_DIR (.data/faucet), FAUCET_SEED_AGENTS (N generated agents
 * instead of the demo six; unset means the six), FAUCET_TEST_CONTROL=1 (the /__test/* routes).
 */
export function readCliOptions(env: Env): CliOptions {
  const seedAgents = env.FAUCET_SEED_AGENTS?.trim()
    ? wholeNumber(env, "FAUCET_SEED_AGENTS", 0, Number.MAX_SAFE_INTEGER)
    : undefined;
  const port = env.PORT?.trim() ? wholeNumber(env, "PORT", 0, 65_535) : DEFAULT_PORT;
  return {
    port,
    dataDir: env.FAUCET_DATA_DIR || DEFAULT_DATA_DIR,
    seedAgents,
    testControl: env.FAUCET_TEST_CONTROL === "1",
  };
}

function wholeNumber(env: Env, name: string, min: number, max: number): number {
  const raw = (env[name] ?? "").trim();
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FaucetOptionError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}
