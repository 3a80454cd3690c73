"use client";

type StaleDataBannerProps = { message: string; updatedAt: number };

/** The faucet stopped answering: the last data stays on screen, marked as stale, until it answers again. */
export function StaleDataBanner({ message, updatedAt }: StaleDataBannerProps) {
  // No time when this view was never loaded (changed while the faucet was down).
  const asOf = updatedAt > 0 ? ` as of ${new Date(updatedAt).toLocaleTimeString("en-GB")}` : "";
  return (
    <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
      Stale data: showing the agents{asOf}. {message} Retrying automatically…
    </p>
  );
}
