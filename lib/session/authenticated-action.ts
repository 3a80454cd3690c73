import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { isFaucetError } from "@/lib/faucet";
import { log, withLogContext } from "@/lib/log";
import { failure, faucetFailure, type ActionFailure, type ActionResult } from "@/lib/action-result";
import { isSameOriginRequest } from "@/lib/security/same-origin";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import type { OperatorSession } from "./session-data";
import { clearSessionCookie, endSessionIfRefused, readSessionState } from "./session-store";

type ActionContext<Input> = { session: OperatorSession; input: Input };

const KEY_SUPERSEDED = failure(
  "key_superseded",
  "Your operator key was just rotated in another tab, and this request still used the old one. Nothing was changed. Reload and try again.",
);

/**
 * The faucet refused the key this request used. The session ends, unless another tab
 * switched it to a new key meanwhile: then this request was merely stale, and ending the
 * session would sign out the operator who just rotated.
 */
async function onKeyRefused(session: OperatorSession, refused: ActionFailure): Promise<ActionFailure> {
  if ((await endSessionIfRefused(session)) === "key_superseded") return KEY_SUPERSEDED;
  // This browser's session is over: its cookie can go too (an action may write cookies; a page may not).
  await clearSessionCookie();
  return refused;
}

/**
 * Server actions are public POST endpoints: every operator action checks the Origin, the
 * session and its arguments itself, in that order, before any faucet call. Expected
 * failures come back as results; a key the faucet refuses ends the session.
 */
export function authenticatedAction<Schema extends z.ZodType, Output>(
  schema: Schema,
  handler: (context: ActionContext<z.output<Schema>>) => Promise<ActionResult<Output>>,
): (input: unknown) => Promise<ActionResult<Output>> {
  return async (input) => {
    let session: OperatorSession | null = null;
    try {
      if (!(await isSameOriginRequest()))
        return failure("forbidden_origin", "This request did not come from the console's own page.");
      const state = await readSessionState();
      if (state.kind === "signed_out")
        return failure("signed_out", "Your session has ended. Sign in again.", {
          reason: state.reason ?? "signed_out",
        });
      session = state.session;
      const parsed = schema.safeParse(input);
      if (!parsed.success) return failure("invalid_input", "The request was malformed. Reload the page and try again.");
      const known = session;
      const result = await withLogContext({ operatorId: known.operatorId }, () =>
        handler({ session: known, input: parsed.data }),
      );
      return !result.ok && result.code === "key_invalid" ? await onKeyRefused(session, result) : result;
    } catch (error) {
      unstable_rethrow(error);
      if (isStoreUnavailable(error)) return failure("store_unavailable", STORE_UNAVAILABLE_MESSAGE);
      if (isFaucetError(error)) {
        const result = faucetFailure(error);
        return result.code === "key_invalid" && session ? onKeyRefused(session, result).catch(() => result) : result;
      }
      log.error("operator action failed", error);
      return failure(
        "internal",
        "The console hit an unexpected error. Reload the page and check the agent's state before retrying.",
      );
    }
  };
}
