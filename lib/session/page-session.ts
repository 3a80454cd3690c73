import "server-only";
import { redirect } from "next/navigation";
import { isStoreUnavailable } from "@/lib/store/store-unavailable-error";
import type { OperatorSession } from "./session-data";
import { readSessionState } from "./session-store";

/**
 * The session a signed-in page renders for. Signed out, the browser goes to the sign-in
 * page with the reason; a store that cannot be reached is null, for the page to say so
 * (a StoreDownNotice) instead of failing with a 500.
 */
export async function pageSession(): Promise<OperatorSession | null> {
  let state;
  try {
    state = await readSessionState();
  } catch (error) {
    if (isStoreUnavailable(error)) return null;
    throw error;
  }
  if (state.kind === "signed_out") redirect(`/?reason=${state.reason ?? "signed_out"}`);
  return state.session;
}
