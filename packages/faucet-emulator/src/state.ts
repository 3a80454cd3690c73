/**
 * The emulator's data model. Secrets never appear here in plaintext: every key and
 * recovery code is held as its sha-256 hash, so a leaked state file grants nothing.
 */

export type OperatorRecord = {
  id: number;
  name: string;
  email: string | null;
  balanceSats: number;
  keyHash: string;
  recoveryHash: string;
  /** Epoch ms; withdrawals are refused until then. Null or past = no cooldown. */
  cooldownUntil: number | null;
  createdAt: number;
  /** The agent an operator-key payment pays through (faucet-api.md §10); absent until the first one creates it. */
  defaultAgentId?: number | null;
};

export type AgentRecord = {
  id: number;
  operatorId: number;
  name: string;
  description: string | null;
  balanceSats: number;
  /** Null = unlimited (the contract sends 0 as null). */
  budgetLimitSats: number | null;
  totalSpentSats: number;
  isActive: boolean;
  keyHash: string;
  /** Epoch ms; payments and withdraw_from_agent are refused until then. */
  cooldownUntil: number | null;
  createdAt: number;
};

export type KeyOwner = { role: "operator"; id: number } | { role: "agent"; id: number };

/**
 * In-memory state. `keyIndex` and `recoveryIndex` are derived from the records (see
 * `buildIndexes`), so the file on disk has one source of truth and cannot disagree with them.
 */
export type FaucetState = {
  nextOperatorId: number;
  nextAgentId: number;
  demoOperatorId: number | null;
  operators: Map<number, OperatorRecord>;
  agents: Map<number, AgentRecord>;
  keyIndex: Map<string, KeyOwner>;
  recoveryIndex: Map<string, number>;
};

/** What is written to disk. Arrays keep the JSON compact and the order stable. */
export type PersistedState = {
  format: typeof STATE_FORMAT;
  nextOperatorId: number;
  nextAgentId: number;
  demoOperatorId: number | null;
  operators: OperatorRecord[];
  agents: AgentRecord[];
};

export const STATE_FORMAT = "lightning-faucet-emulator/1";

export function emptyState(): FaucetState {
  return {
    nextOperatorId: 1,
    nextAgentId: 1,
    demoOperatorId: null,
    operators: new Map(),
    agents: new Map(),
    keyIndex: new Map(),
    recoveryIndex: new Map(),
  };
}

export function toPersisted(state: FaucetState): PersistedState {
  return {
    format: STATE_FORMAT,
    nextOperatorId: state.nextOperatorId,
    nextAgentId: state.nextAgentId,
    demoOperatorId: state.demoOperatorId,
    operators: [...state.operators.values()],
    agents: [...state.agents.values()],
  };
}

export function fromPersisted(persisted: PersistedState): FaucetState {
  const state: FaucetState = {
    ...emptyState(),
    nextOperatorId: persisted.nextOperatorId,
    nextAgentId: persisted.nextAgentId,
    demoOperatorId: persisted.demoOperatorId,
  };
  for (const operator of persisted.operators) state.operators.set(operator.id, operator);
  for (const agent of persisted.agents) state.agents.set(agent.id, agent);
  buildIndexes(state);
  return state;
}

function buildIndexes(state: FaucetState): void {
  state.keyIndex.clear();
  state.recoveryIndex.clear();
  for (const operator of state.operators.values()) {
    state.keyIndex.set(operator.keyHash, { role: "operator", id: operator.id });
    state.recoveryIndex.set(operator.recoveryHash, operator.id);
  }
  for (const agent of state.agents.values()) {
    state.keyIndex.set(agent.keyHash, { role: "agent", id: agent.id });
  }
}

/** A cooldown that has passed is reported as none. */
export function activeCooldown(cooldownUntil: number | null, now: number): number | null {
  return cooldownUntil !== null && cooldownUntil > now ? cooldownUntil : null;
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
