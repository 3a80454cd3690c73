"use server";

import { redirect } from "next/navigation";
import { isSameOriginRequest } from "@/lib/security/same-origin";
import { destroySession } from "@/lib/session/session-store";

export async function signOut(): Promise<void> {
  // A forged sign-out is harmless but still refused, like every other state change.
  if (await isSameOriginRequest()) await destroySession();
  redirect("/");
}
