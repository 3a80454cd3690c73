import type { AgentCooldown } from "./cooldown-codec";
import type { OperatorSession } from "./session-data";

/** Expired cooldowns are dropped on every write: they show nothing and cost cookie bytes. */
export function withoutExpired(session: OperatorSession, now: number): OperatorSession {
  return {
    ...session,
    operatorCooldownUntil: session.operatorCooldownUntil && session.operatorCooldownUntil > now ? session.operatorCooldownUntil : null,
    agentCooldowns: session.agentCooldowns.filter((cooldown) => cooldown.until > now),
  };
}

export function withAgentCooldown(session: OperatorSession, cooldown: AgentCooldown, now: number): OperatorSession {
  const pruned = withoutExpired(session, now);
  return {
    ...pruned,
    agentCooldowns: [...pruned.agentCooldowns.filter((entry) => entry.agentId !== cooldown.agentId), cooldown],
  };
}

export function agentCooldownMap(session: OperatorSession, now: number): Map<number, AgentCooldown> {
  return new Map(session.agentCooldowns.filter((entry) => entry.until > now).map((entry) => [entry.agentId, entry]));
}
