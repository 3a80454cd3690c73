import { ACTIONS, isKeylessAction } from "./actions";
import type { FaucetRefusal } from "./refusal";

/**
 * Turns the raw HTTP body and headers into an action call. Nothing here touches state,
 * so fault injection can look at the action name before anything is processed.
 */

export type ParsedRequest =
  | { ok: true; action: string; body: Record<string, unknown>; apiKey: string | null }
  /** `action` is kept when readable, so stats and fault filters still see unknown names. */
  | { ok: false; action: string | null; refusal: FaucetRefusal };

type Headers = Record<string, string | undefined>;

function invalid(
  action: string | null,
  error: string,
  code: FaucetRefusal["error_code"] = "invalid_request",
): ParsedRequest {
  return { ok: false, action, refusal: { error_code: code, error, extra: {} } };
}

export function parseRequest(bodyText: string, headers: Headers): ParsedRequest {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return invalid(null, 'Request body must be JSON: {"action": "…", "api_key": "…", …params}.');
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return invalid(null, "Request body must be a JSON object, not an array or a bare value.");
  }
  const body = json as Record<string, unknown>;
  const action = body.action;
  if (action === undefined) return invalid(null, "action is required.");
  if (typeof action !== "string") return invalid(null, "action must be a string.");
  if (!ACTIONS.has(action)) return invalid(action, `Unknown action: ${action.slice(0, 64)}.`, "unknown_action");

  const bodyKey = body.api_key;
  if (bodyKey !== undefined && bodyKey !== null && typeof bodyKey !== "string") {
    return invalid(action, "api_key must be a string.");
  }
  // The body wins over headers, as the real faucet's documented clients only ever send the body key.
  const apiKey = nonEmpty(bodyKey) ?? headerKey(headers);
  return { ok: true, action, body, apiKey };
}

/**
 * Whether a call reaches the faucet without a key that could open an account: it counts as
 * keyed only when it names an action that needs a key and carries one (in the body or a
 * header). Junk, unknown actions and public actions (register, recover, get_info) are keyless,
 * even with a key attached. A demo console limits keyless calls per client address.
 */
export function isKeylessRequest({ bodyText, headers }: { bodyText: string; headers: Headers }): boolean {
  const parsed = parseRequest(bodyText, headers);
  return !parsed.ok || parsed.apiKey === null || isKeylessAction(parsed.action);
}

function nonEmpty(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function header(headers: Headers, name: string): string | undefined {
  // Node lower-cases header names, but in-process callers may not.
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function headerKey(headers: Headers): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(headers, "authorization") ?? "");
  return (bearer ? bearer[1] : undefined) ?? nonEmpty(header(headers, "x-api-key"));
}
