import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { isFaucetError } from "@/lib/faucet";
import { log } from "@/lib/log";
import { isSameOriginRequest } from "@/lib/security/same-origin";
import type { OperatorSession } from "@/lib/session/session-data";
import { destroySession, readSession } from "@/lib/session/session-store";
import { failure, type ActionResult } from "./action-result";
import { faucetFailure } from "./faucet-failure";
import { isSupersededOperatorKey } from "./superseded-operator-keys";

const SUPERSEDED_SESSION = failure(
  "rotated_elsewhere",
  "Your operator key was just rotated elsewhere, and this request still carried the old one. Nothing was changed. If that was another tab of this browser, reload and try again; otherwise sign in with the new key.",
);

type OperatorActionContext<Input> = { session: OperatorSession; input: Input };

/**
 * Server actions are public POST endpoints: this wrapper makes every operator action
 * check the Origin, the session and its arguments itself, in that order, before any
 * faucet call. A faucet error becomes a result; a key the faucet no longer accepts ends
 * the session, since nothing more can be done with it.
 */
export function operatorAction<Schema extends z.ZodType, Output>(
  schema: Schema,
  handler: (context: OperatorActionContext<z.output<Schema>>) => Promise<ActionResult<Output>>,
): (input: unknown) => Promise<ActionResult<Output>> {
  /** The faucet refused the session's key: end the session, unless a newer key has replaced it meanwhile. */
  async function endSession(session: OperatorSession): Promise<ActionResult<Output>> {
    if (isSupersededOperatorKey(session.operatorId, session.operatorKey)) return SUPERSEDED_SESSION;
    await destroySession();
    return failure("signed_out", "The faucet no longer accepts your operator key: it was rotated or revoked elsewhere. Sign in with the current key.");
  }

  return async (input) => {
    let session: OperatorSession | null = null;
    try {
      if (!(await isSameOriginRequest())) return failure("forbidden_origin", "This request did not come from the console's own page.");
      session = await readSession();
      if (!session) return failure("session_expired", "Your session has ended. Sign in again.");
      const parsed = schema.safeParse(input);
      if (!parsed.success) return failure("invalid_input", "The request was malformed. Reload the page and try again.");
      if (isSupersededOperatorKey(session.operatorId, session.operatorKey)) return SUPERSEDED_SESSION;
      const result = await handler({ session, input: parsed.data });
      if (!result.ok && result.code === "signed_out") return endSession(session);
      return result;
    } catch (error) {
      unstable_rethrow(error);
      if (isFaucetError(error)) {
        const result = faucetFailure(error);
        if (result.code === "signed_out" && session) return endSession(session);
        return result;
      }
      log.error("operator action failed", error);
      return failure("internal", "The console hit an unexpected error. Reload the page and check the agent's state before retrying.");
    }
  };
}
