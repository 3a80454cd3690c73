import { generateAgentKey, generateOperatorKey, generateRecoveryCode, hashSecret } from "./keys";
import type { AgentRecord, FaucetState, OperatorRecord } from "./state";

/**
 * Fills an empty data dir with a demo operator and its agents. Agent keys are generated
 * and immediately forgotten (only hashes are kept); the demo operator rotates an
 * agent's key to use it. The demo operator's own key is returned so the caller can
 * keep it in the demo key file.
 */

export const DEMO_OPERATOR_NAME = "Demo Operator";
export const DEMO_OPERATOR_BALANCE_SATS = 250_000;

type AgentSeed = Pick<
  AgentRecord,
  "name" | "description" | "balanceSats" | "budgetLimitSats" | "totalSpentSats" | "isActive"
>;

const DEMO_AGENTS: AgentSeed[] = [
  {
    name: "Research Assistant",
    description: "Buys paywalled papers via L402",
    balanceSats: 42_000,
    budgetLimitSats: 50_000,
    totalSpentSats: 12_500,
    isActive: true,
  },
  {
    name: "Shopping Bot",
    description: "Pays merchant invoices",
    balanceSats: 15_500,
    budgetLimitSats: null,
    totalSpentSats: 0,
    isActive: true,
  },
  {
    name: "News Summarizer",
    description: null,
    balanceSats: 3_200,
    budgetLimitSats: null,
    totalSpentSats: 800,
    isActive: true,
  },
  {
    name: "Data Scraper",
    description: "Paused after a runaway loop",
    balanceSats: 0,
    budgetLimitSats: null,
    totalSpentSats: 4_100,
    isActive: false,
  },
  {
    name: "Translation Agent",
    description: null,
    balanceSats: 87_000,
    budgetLimitSats: null,
    totalSpentSats: 0,
    isActive: true,
  },
  {
    name: "Code Reviewer",
    description: "Tips maintainers",
    balanceSats: 1_250,
    budgetLimitSats: null,
    totalSpentSats: 250,
    isActive: true,
  },
];

/** Deterministic, varied rows for load testing: same N, same agents (keys aside). */
function generatedAgent(index: number): AgentSeed {
  return {
    name: `agent-${String(index).padStart(5, "0")}`,
    description: null,
    balanceSats: (index * 7919) % 100_000,
    budgetLimitSats: index % 5 === 0 ? 10_000 + ((index * 31) % 90_000) : null,
    totalSpentSats: 0,
    isActive: index % 7 !== 0,
  };
}

/** A new operator holding apiKey, indexed by its key and by a recovery code nobody is told. */
function addOperator(
  state: FaucetState,
  now: number,
  seed: { name: string; balanceSats: number; apiKey: string },
): OperatorRecord {
  const operator: OperatorRecord = {
    id: state.nextOperatorId++,
    name: seed.name,
    email: null,
    balanceSats: seed.balanceSats,
    keyHash: hashSecret(seed.apiKey),
    recoveryHash: hashSecret(generateRecoveryCode()),
    cooldownUntil: null,
    createdAt: now,
  };
  state.operators.set(operator.id, operator);
  state.keyIndex.set(operator.keyHash, { role: "operator", id: operator.id });
  state.recoveryIndex.set(operator.recoveryHash, operator.id);
  return operator;
}

/** A new agent as `create_agent` makes it (empty, active, a fresh key), indexed by its key; the key is returned once. */
export function addAgent(
  state: FaucetState,
  now: number,
  seed: { operatorId: number; name: string; description: string | null; budgetLimitSats: number | null },
): { agent: AgentRecord; apiKey: string } {
  const apiKey = generateAgentKey();
  const agent: AgentRecord = {
    id: state.nextAgentId++,
    operatorId: seed.operatorId,
    name: seed.name,
    description: seed.description,
    balanceSats: 0,
    budgetLimitSats: seed.budgetLimitSats,
    totalSpentSats: 0,
    isActive: true,
    keyHash: hashSecret(apiKey),
    cooldownUntil: null,
    createdAt: now,
  };
  state.agents.set(agent.id, agent);
  state.keyIndex.set(agent.keyHash, { role: "agent", id: agent.id });
  return { agent, apiKey };
}

export function seedState(state: FaucetState, now: number, agentCount?: number): { demoOperatorKey: string } {
  const demoOperatorKey = generateOperatorKey();
  // Nobody holds its recovery code; the demo operator is recovered by reading the key file.
  const operator = addOperator(state, now, {
    name: DEMO_OPERATOR_NAME,
    balanceSats: DEMO_OPERATOR_BALANCE_SATS,
    apiKey: demoOperatorKey,
  });
  state.demoOperatorId = operator.id;

  const seeds =
    agentCount === undefined ? DEMO_AGENTS : Array.from({ length: agentCount }, (_, i) => generatedAgent(i + 1));
  seeds.forEach((seed, i) => {
    const agent: AgentRecord = {
      ...seed,
      id: state.nextAgentId++,
      operatorId: operator.id,
      keyHash: hashSecret(generateAgentKey()),
      cooldownUntil: null,
      // Spread creation times over the past so "created" columns are not all identical.
      createdAt: now - (seeds.length - i) * 60_000,
    };
    state.agents.set(agent.id, agent);
    state.keyIndex.set(agent.keyHash, { role: "agent", id: agent.id });
  });
  return { demoOperatorKey };
}

export type SeededFaucetOperator = {
  operatorId: number;
  apiKey: string;
  agents: { agentId: number; name: string; apiKey: string }[];
};

/**
 * Test control: a new operator with its agents, as `register` and one `create_agent` per
 * name would leave them (same balances, fresh keys, all active), in one state change.
 * The keys are returned once, as those calls would return them.
 */
export function seedFaucetOperator(
  state: FaucetState,
  now: number,
  seed: { name: string; agentNames: readonly string[]; balanceSats: number },
): SeededFaucetOperator {
  const apiKey = generateOperatorKey();
  const operator = addOperator(state, now, { name: seed.name, balanceSats: seed.balanceSats, apiKey });
  const agents = seed.agentNames.map((name) => {
    const { agent, apiKey: agentKey } = addAgent(state, now, {
      operatorId: operator.id,
      name,
      description: null,
      budgetLimitSats: null,
    });
    return { agentId: agent.id, name, apiKey: agentKey };
  });
  return { operatorId: operator.id, apiKey, agents };
}
