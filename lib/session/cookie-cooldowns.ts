import type { AgentCooldown } from "./cooldown-codec";
import type { SessionCookie } from "./session-data";

type WithCooldowns = Pick<SessionCookie, "operatorCooldownUntil" | "agentCooldowns">;

/** Expired cooldowns are dropped on every write: they show nothing and cost cookie bytes. */
export function withoutExpired<Session extends WithCooldowns>(session: Session, now: number): Session {
  return {
    ...session,
    operatorCooldownUntil:
      session.operatorCooldownUntil && session.operatorCooldownUntil > now ? session.operatorCooldownUntil : null,
    agentCooldowns: session.agentCooldowns.filter((cooldown) => cooldown.until > now),
  };
}

export function withAgentCooldown<Session extends WithCooldowns>(
  session: Session,
  cooldown: AgentCooldown,
  now: number,
): Session {
  const pruned = withoutExpired(session, now);
  return {
    ...pruned,
    agentCooldowns: [...pruned.agentCooldowns.filter((entry) => entry.agentId !== cooldown.agentId), cooldown],
  };
}

export function agentCooldownMap(session: WithCooldowns, now: number): Map<number, AgentCooldown> {
  return new Map(session.agentCooldowns.filter((entry) => entry.until > now).map((entry) => [entry.agentId, entry]));
}
