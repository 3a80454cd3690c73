"use server";

import { redirect } from "next/navigation";
import { auditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventQuietly } from "@/lib/audit/record-audit-event";
import { failure } from "@/lib/results/action-result";
import { operatorKeySchema } from "@/lib/session/operator-key-schema";
import { signInWithKey, type SignInResult } from "@/lib/session/sign-in-with-key";

/**
 * The sign-in form's action. Typed `unknown` on purpose: an action is a public endpoint
 * and can be called with any arguments, not only the ones our form sends.
 */
export async function signIn(_previous: unknown, formData: unknown): Promise<SignInResult> {
  const value = formData instanceof FormData ? formData.get("operatorKey") : undefined;
  const parsed = operatorKeySchema.safeParse(typeof value === "string" ? value : "");
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "Enter the operator API key.";
    await recordAuditEventQuietly(await auditActor({ operatorId: null }), { action: "sign_in", target: "operator", outcome: "refused", refusal: "invalid_input" });
    return failure("invalid_input", message, { fieldErrors: { operatorKey: message } });
  }
  const problem = await signInWithKey(parsed.data);
  if (problem) return problem;
  redirect("/agents");
}
