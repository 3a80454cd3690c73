"use server";

import { redirect } from "next/navigation";
import { isDemoMode } from "@/lib/config/faucet-mode";
import { getEmbeddedFaucet } from "@/lib/emulator/embedded";
import { log } from "@/lib/log";
import type { SignInState } from "./sign-in-schema";
import { signInWithKey } from "./sign-in-with-key";

/** Only demo mode has a demo operator; otherwise this action refuses. */
export async function signInAsDemo(_previous: unknown): Promise<SignInState> {
  if (!isDemoMode()) return { message: "There is no demo operator: this console is not in demo mode.", fieldError: null };
  let key: string | null;
  try {
    key = getEmbeddedFaucet().demoOperatorKey();
  } catch (error) {
    log.error("the embedded faucet could not start", error);
    return { message: "The embedded faucet could not start (is another console using its data dir?). See the server log.", fieldError: null };
  }
  if (!key) return { message: "The embedded faucet has no demo operator.", fieldError: null };
  const problem = await signInWithKey(key);
  if (problem) return problem;
  redirect("/agents");
}
