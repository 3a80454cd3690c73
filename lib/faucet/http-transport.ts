import "server-only";
import { TransportError, type FaucetTransport } from "./transport";

/** Connection errors that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

export function createHttpTransport(url: string): FaucetTransport {
  return async (body, signal) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
        signal,
        cache: "no-store",
        redirect: "error",
      });
    } catch (error) {
      if (signal.aborted) throw error;
      const code = causeCode(error);
      throw new TransportError(`fetch failed (${code ?? "unknown"})`, !(code && NOT_SENT_CODES.has(code)));
    }
    try {
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (signal.aborted) throw error;
      throw new TransportError("reply cut off", true);
    }
  };
}
