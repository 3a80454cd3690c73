/** What the operator asked to rotate, and the cooldown end they saw for it when they asked. */
export type RotationTarget =
  | { kind: "agent"; agentId: number; name: string; seenCooldownUntil: number | null }
  | { kind: "operator"; name: string; seenCooldownUntil: number | null };


/** A revealed key, held only in the rotation flow's state until the dialog closes. */
export type RevealedKey = {
  target: RotationTarget;
  apiKey: string;
  cooldownUntil: number;
  warning: string | null;
};
