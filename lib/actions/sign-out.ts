"use server";

import { redirect } from "next/navigation";
import { log } from "@/lib/log";
import { isSameOriginRequest } from "@/lib/security/same-origin";
import { endOperatorSessions } from "@/lib/session/session-records";
import { clearSessionCookie, closeSession, readSession } from "@/lib/session/session-store";

/** Sign out: this session's row is deleted, so any copy of its cookie opens nothing. */
export async function signOut(): Promise<void> {
  // A forged sign-out is harmless but still refused, like every other state change.
  if (!(await isSameOriginRequest())) redirect("/");
  try {
    await closeSession();
  } catch (error) {
    // The browser's copy goes anyway; the user must know the row may still be open.
    log.error("sign-out could not reach the store", error);
    await clearSessionCookie();
    redirect("/?reason=sign_out_incomplete");
  }
  redirect("/");
}

/** Ends every session of the operator, in every browser and on every instance. */
export async function signOutEverywhere(): Promise<void> {
  if (!(await isSameOriginRequest())) redirect("/");
  try {
    const session = await readSession();
    if (session) await endOperatorSessions(session.operatorId, "signed_out_everywhere", Date.now());
    await clearSessionCookie();
  } catch (error) {
    log.error("sign out everywhere could not reach the store", error);
    redirect("/agents");
  }
  redirect("/?reason=signed_out_everywhere");
}
