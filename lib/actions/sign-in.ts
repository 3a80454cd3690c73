"use server";

import { redirect } from "next/navigation";
import { failure } from "@/lib/action-result";
import { recordAnonymousRefusal } from "@/lib/audit/anonymous-refusals";
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
    await recordAnonymousRefusal({ action: "sign_in", refusal: "invalid_input" });
    return failure("invalid_input", message, { fieldErrors: { operatorKey: message } });
  }
  const problem = await signInWithKey(parsed.data);
  if (problem) return problem;
  redirect("/agents");
}
