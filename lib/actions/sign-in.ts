"use server";

import { redirect } from "next/navigation";
import { operatorKeySchema, type SignInState } from "./sign-in-schema";
import { signInWithKey } from "./sign-in-with-key";

export async function signIn(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const parsed = operatorKeySchema.safeParse(formData.get("operatorKey") ?? "");
  if (!parsed.success) return { message: null, fieldError: parsed.error.issues[0]?.message ?? "Enter the operator API key." };
  const problem = await signInWithKey(parsed.data);
  if (problem) return problem;
  redirect("/agents");
}
