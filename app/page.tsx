import { redirect } from "next/navigation";
import { SignInForm } from "@/components/session/sign-in-form";
import { isDemoMode } from "@/lib/config/faucet-mode";
import { readSession } from "@/lib/session/session-store";

/**
 * Why the user was sent here, by a fixed code: never free text from the URL. A Map, not
 * an object literal: `?reason=constructor` must not find Object.prototype's members.
 */
const NOTICES: ReadonlyMap<string, string> = new Map([
  ["key_invalid", "You were signed out: the faucet no longer accepts your operator key. It was rotated or revoked elsewhere. Sign in with the current key."],
  ["signed_out", "Your session has ended. Sign in again."],
]);

type SignInPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: SignInPageProps) {
  if (await readSession()) redirect("/agents");
  const reason = (await searchParams).reason;
  const notice = typeof reason === "string" ? (NOTICES.get(reason) ?? null) : null;
  return (
    <section className="mx-auto mt-16 w-full max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold">Faucet Console</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">Sign in to rotate your agents&apos; Lightning Faucet keys.</p>
      <SignInForm offerDemo={isDemoMode()} notice={notice} />
    </section>
  );
}
