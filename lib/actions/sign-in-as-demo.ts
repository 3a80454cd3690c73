"use server";

import { redirect } from "next/navigation";
import { getEmbeddedFaucet } from "@/lib/emulator/embedded";
import { isEmbeddedFaucet } from "@/lib/faucet";
import type { SignInState } from "./sign-in-schema";
import { signInWithKey } from "./sign-in-with-key";

/** Only the embedded faucet has a demo operator; against a real faucet this action refuses. */
export async function signInAsDemo(_previous: unknown): Promise<SignInState> {
  if (!isEmbeddedFaucet()) return { message: "There is no demo operator on a real faucet.", fieldError: null };
  const key = getEmbeddedFaucet().demoOperatorKey();
  if (!key) return { message: "The embedded faucet has no demo operator.", fieldError: null };
  const problem = await signInWithKey(key);
  if (problem) return problem;
  redirect("/agents");
}
