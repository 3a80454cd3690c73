import "server-only";
import { endSessionIfKeyRefused } from "@/lib/session/session-records";
import type { OperatorSession } from "@/lib/session/session-data";

/**
 * The faucet refused the session's key while loading the list. The session ends (its row,
 * so every tab learns it), unless another tab switched it to a new key meanwhile: then this
 * request was merely stale and must not sign out the operator who just rotated.
 * Only the row changes: no cookie is written or cleared here.
 */
export async function onListKeyRefused(session: OperatorSession): Promise<"key_invalid" | "key_superseded"> {
  const verdict = await endSessionIfKeyRefused(session.sessionId, Buffer.from(session.sessionKey, "base64url"), session.operatorKey, Date.now());
  return verdict === "ended" ? "key_invalid" : "key_superseded";
}
