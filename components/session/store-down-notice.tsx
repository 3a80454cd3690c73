import { STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";

/** What a page shows instead of a 500 when the console's database cannot be reached. */
export function StoreDownNotice({ title, retryHref }: { title: string; retryHref: string }) {
  return (
    <div
      role="alert"
      className="flex flex-col items-start gap-3 rounded-lg border border-red-300 bg-red-50 p-6 text-red-900"
    >
      <h1 className="text-lg font-semibold">{title}</h1>
      <p className="text-sm">{STORE_UNAVAILABLE_MESSAGE}</p>
      <a href={retryHref} className="rounded-md bg-blue-700 px-3 py-2 text-sm font-medium text-white">
        Retry
      </a>
    </div>
  );
}
