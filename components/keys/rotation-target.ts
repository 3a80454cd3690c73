/** What the operator asked to rotate, and the cooldown end they saw for it when they asked. */
export type RotationTarget =
  | { kind: "agent"; agentId: number; name: string; seenCooldownUntil: number | null }
  | { kind: "operator"; name: string; seenCooldownUntil: number | null };

export const AGENT_COOLDOWN_MS = 30 * 60 * 1000;
export const OPERATOR_COOLDOWN_MS = 60 * 60 * 1000;

export function cooldownMsOf(target: RotationTarget): number {
  return target.kind === "agent" ? AGENT_COOLDOWN_MS : OPERATOR_COOLDOWN_MS;
}

/** A revealed key, held only in the rotation flow's state until the dialog closes. */
export type RevealedKey = {
  target: RotationTarget;
  apiKey: string;
  cooldownUntil: number;
  warning: string | null;
};
