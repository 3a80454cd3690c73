"use server";

import { redirect } from "next/navigation";
import { operatorKeySchema, type SignInState } from "./sign-in-schema";
import { signInWithKey } from "./sign-in-with-key";

/**
 * The sign-in form's action. Typed `unknown` on purpose: an action is a public endpoint
 * and can be called with any arguments, not only the ones our form sends.
 */
export async function signIn(_previous: unknown, formData: unknown): Promise<SignInState> {
  const value = formData instanceof FormData ? formData.get("operatorKey") : undefined;
  const parsed = operatorKeySchema.safeParse(typeof value === "string" ? value : "");
  if (!parsed.success) return { message: null, fieldError: parsed.error.issues[0]?.message ?? "Enter the operator API key." };
  const problem = await signInWithKey(parsed.data);
  if (problem) return problem;
  redirect("/agents");
}
