import type { OperatorSession } from "@/lib/session/session-data";

/** The signed-in operator and the new key the unit tests of the pipeline and of rotations share. */
export const NEW_KEY = "agent_0123456789abcdef0123456789ab9f3a";

export const session: OperatorSession = {
  sessionId: "AAAAAAAAAAAAAAAAAAAAAA",
  sessionKey: Buffer.alloc(32, 1).toString("base64url"),
  label: "3fa1c2d0",
  operatorKey: "lf_0123456789abcdef0123456789abcdef",
  operatorId: 7,
  operatorName: "Ada",
  operatorCooldownUntil: null,
  operatorKeyTail: "cdef",
  agentCooldowns: [],
};
