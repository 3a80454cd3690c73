import type { LastRotation } from "@/lib/agents/agents-view";

/** What the operator asked to rotate, and the last rotation of it that their page knew of. */
export type RotationTarget =
  | { kind: "agent"; agentId: number; name: string; lastRotation: LastRotation | null }
  | { kind: "operator"; name: string; lastRotation: LastRotation | null };

/** A revealed key, held only in the rotation flow's state until the dialog closes. */
export type RevealedKey = {
  target: RotationTarget;
  apiKey: string;
  /** Null for a new agent's first key: no rotation, so no withdrawal lock. */
  cooldownUntil: number | null;
  warning: string | null;
};
