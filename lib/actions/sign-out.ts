"use server";

import { redirect } from "next/navigation";
import { auditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventQuietly } from "@/lib/audit/record-audit-event";
import { log } from "@/lib/log";
import { recordAnonymousRefusal } from "@/lib/audit/anonymous-refusals";
import { isSameOriginRequest } from "@/lib/security/same-origin";
import { endOperatorSessions } from "@/lib/session/session-records";
import { clearSessionCookie, closeSession, readSession } from "@/lib/session/session-store";

/** Sign out: this session's row is deleted, so any copy of its cookie opens nothing. */
export async function signOut(): Promise<void> {
  // A forged sign-out is harmless but still refused (and audited, with no operator, one row
  // per address and minute: anonymous-refusals.ts), like every other state change.
  if (!(await isSameOriginRequest())) {
    await recordAnonymousRefusal({ action: "sign_out", refusal: "forbidden_origin" });
    redirect("/");
  }
  try {
    // Read first: once the row is gone there is no one to name in the audit log.
    const session = await readSession();
    await closeSession();
    if (session)
      await recordAuditEventQuietly(await auditActor(session), {
        action: "sign_out",
        target: "operator",
        outcome: "ok",
      });
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
  if (!(await isSameOriginRequest())) {
    await recordAnonymousRefusal({ action: "sign_out_everywhere", refusal: "forbidden_origin" });
    redirect("/");
  }
  try {
    const session = await readSession();
    if (session) {
      await endOperatorSessions(session.operatorId, "signed_out_everywhere", Date.now());
      await recordAuditEventQuietly(await auditActor(session), {
        action: "sign_out_everywhere",
        target: "operator",
        outcome: "ok",
      });
    }
    await clearSessionCookie();
  } catch (error) {
    log.error("sign out everywhere could not reach the store", error);
    redirect("/agents");
  }
  redirect("/?reason=signed_out_everywhere");
}
