import type { LastRotation } from "@/lib/agents/agents-view";

/** What the operator asked to rotate, and the last rotation of it that their page knew of. */
export type RotationTarget =
  | {
      kind: "agent";
      agentId: number;
      name: string;
      lastRotation: LastRotation | null;
      /** The agent's connected host, which receives every new key sealed (lib/hosts/). */
      hostName?: string | null;
    }
  | { kind: "operator"; name: string; lastRotation: LastRotation | null };

/** A hand-off's link parts: the page builds `<console>/handoff/<id>#<token>` and shows it once. */
export type HandoffLinkParts = { id: string; token: string; expiresAt: number };

/** A revealed key, held only in the rotation flow's state until the dialog closes. */
export type RevealedKey = {
  target: RotationTarget;
  /** Null when the key went into a hand-off without being shown ("Hand off without showing me the key"). */
  apiKey: string | null;
  /**
   * What made it, which "Hand off to agent" names so the server can check the key: the rotation's
   * attempt id, or null for a new agent's first key. Absent: the key cannot be handed off.
   */
  attemptId?: string | null;
  /** The hand-off made with the rotation, when one was asked for. */
  handoff?: HandoffLinkParts | null;
  /** The connected host the key was sealed to ("Delivered to <host>"); apiKey is then null unless asked for. */
  delivered?: { hostName: string } | null;
  /** Null for a new agent's first key: no rotation, so no withdrawal lock. */
  cooldownUntil: number | null;
  warning: string | null;
};
