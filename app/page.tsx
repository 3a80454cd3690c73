import { redirect } from "next/navigation";
import { SignInForm } from "@/components/session/sign-in-form";
import { isDemoMode } from "@/lib/config/env";
import { sessionEndNotice } from "@/lib/session/session-end-reasons";
import { readSessionState } from "@/lib/session/session-store";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";

type SignInPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Reads the session; a store that is down reads as signed out, with the reason on screen. */
async function currentSession() {
  try {
    return await readSessionState();
  } catch (error) {
    if (isStoreUnavailable(error)) return null;
    throw error;
  }
}

export default async function SignInPage({ searchParams }: SignInPageProps) {
  const state = await currentSession();
  if (state?.kind === "signed_in") redirect("/agents");
  // Why the user was sent here, by a fixed code: never free text from the URL.
  const notice = state === null ? STORE_UNAVAILABLE_MESSAGE : sessionEndNotice((await searchParams).reason);
  return (
    <section className="mx-auto mt-16 w-full max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold">Faucet Console</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">Sign in to rotate your agents&apos; Lightning Faucet keys.</p>
      <SignInForm offerDemo={isDemoMode()} notice={notice} />
    </section>
  );
}
