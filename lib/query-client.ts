import { isServer, QueryClient } from "@tanstack/react-query";

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Hydrated data is fresh for a moment: no refetch right after the server prefetch.
        staleTime: 10_000,
        // A read may be retried; a mutation never is (rotation is not idempotent upstream).
        retry: 1,
      },
      mutations: { retry: false, gcTime: 0 },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** A new client per server request (no data shared between users), one in the browser. */
export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
