import type { FaucetRefusal } from "./refusal";

export type EmulatorReply = { status: number; contentType: string; body: string; dropped?: boolean };

const JSON_TYPE = "application/json; charset=utf-8";

export function jsonReply(status: number, payload: Record<string, unknown>): EmulatorReply {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(payload) };
}

export function successReply(fields: Record<string, unknown>): EmulatorReply {
  return jsonReply(200, { success: true, ...fields });
}

/** Refusals are HTTP 200: the contract's clients discard the body of any non-2xx reply. */
export function refusalReply(refusal: FaucetRefusal): EmulatorReply {
  return jsonReply(200, { success: false, error: refusal.error, error_code: refusal.error_code, ...refusal.extra });
}

export function internalErrorReply(): EmulatorReply {
  return jsonReply(500, { success: false, error: "Internal error", error_code: "internal" });
}

export function shutDownReply(): EmulatorReply {
  return jsonReply(503, { success: false, error: "The faucet emulator is shut down.", error_code: "unavailable" });
}

/** What a reverse proxy in front of the real faucet sends when the backend is down. */
export function htmlErrorReply(status: number): EmulatorReply {
  return {
    status,
    contentType: "text/html; charset=utf-8",
    body: `<html><head><title>${status} Error</title></head><body><h1>${status} Error</h1><p>The upstream server did not respond.</p></body></html>`,
  };
}

/** A strict prefix of a JSON object is never valid JSON, so clients must fail to parse it. */
export function truncated(reply: EmulatorReply): EmulatorReply {
  return { ...reply, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
}

// create_agent sends its key twice (api_key and the CLI's agent_api_key): "every key field" means both.
const KEY_FIELDS = ["api_key", "new_api_key", "agent_api_key"];

/** The same reply without the fields that carry a key; other replies pass through unchanged. */
export function withoutKeys(reply: EmulatorReply): EmulatorReply {
  let payload: unknown;
  try {
    payload = JSON.parse(reply.body);
  } catch {
    return reply;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return reply;
  const kept = Object.fromEntries(Object.entries(payload).filter(([field]) => !KEY_FIELDS.includes(field)));
  return { ...reply, body: JSON.stringify(kept) };
}

/** The reply without any `cooldown_until`, at any depth (list_agents rows carry one each). */
export function withoutCooldowns(reply: EmulatorReply): EmulatorReply {
  let payload: unknown;
  try {
    payload = JSON.parse(reply.body);
  } catch {
    return reply;
  }
  return {
    ...reply,
    body: JSON.stringify(payload, (field, value: unknown) => (field === "cooldown_until" ? undefined : value)),
  };
}
