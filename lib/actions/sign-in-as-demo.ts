"use server";

import { redirect } from "next/navigation";
import { isDemoMode } from "@/lib/config/env";
import { getEmbeddedFaucet } from "@/lib/faucet/embedded-transport";
import { log } from "@/lib/log";
import { failure } from "@/lib/action-result";
import { signInWithKey, type SignInResult } from "@/lib/session/sign-in-with-key";

/** Only demo mode has a demo operator; otherwise this action refuses. */
export async function signInAsDemo(_previous: unknown): Promise<SignInResult> {
  if (!isDemoMode()) return failure("faucet_refused", "There is no demo operator: this console is not in demo mode.");
  let key: string | null;
  try {
    key = getEmbeddedFaucet().demoOperatorKey();
  } catch (error) {
    log.error("the embedded faucet could not start", error);
    return failure(
      "internal",
      "The embedded faucet could not start (is another console using its data dir?). See the server log.",
    );
  }
  if (!key) return failure("faucet_refused", "The embedded faucet has no demo operator.");
  const problem = await signInWithKey(key);
  if (problem) return problem;
  redirect("/agents");
}
