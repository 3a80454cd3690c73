import { FaucetError, type FaucetErrorKind } from "./faucet-error";
import { parseInstant, type Refusal } from "./schemas";
import { formatUtcTime } from "@/lib/format-utc-time";

const KNOWN_CODES: Record<string, FaucetErrorKind> = {
  invalid_key: "invalid_key",
  unauthorized: "invalid_key",
  wrong_role: "wrong_role",
  forbidden: "wrong_role",
  not_found: "not_found",
  cooldown: "cooldown",
  rate_limited: "rate_limited",
  invalid_request: "invalid_request",
  unknown_action: "unknown_action",
  insufficient_balance: "invalid_request",
  budget_exceeded: "invalid_request",
  inactive: "invalid_request",
};

/** Our own words for the refusals that share kind "invalid_request", keyed by what the faucet said. */
function invalidRequestMessage(refusal: Refusal): string {
  const code = refusal.error_code ?? "";
  const text = refusal.error ?? "";
  if (code === "insufficient_balance" || /insufficient|not enough/i.test(text)) {
    return "The faucet refused: the balance is too small for this amount.";
  }
  if (code === "budget_exceeded" || /exceeds?.*budget|budget.*exceeded/i.test(text))
    return "The faucet refused: the payment would exceed the agent's budget.";
  if (code === "inactive" || /deactivated|inactive/i.test(text)) return "The faucet refused: the agent is deactivated.";
  if (/amount/i.test(text)) return "The faucet refused the amount as invalid.";
  return "The faucet refused the request as invalid.";
}

/**
 * The real faucet's error strings are undocumented (faucet-api.md §6): when no
 * error_code is given we fall back to the wording. Order matters: a cooldown refusal
 * may mention the key, so the specific signals are checked first.
 */
function kindFromWording(text: string): FaucetErrorKind {
  if (/unknown action|unsupported action|invalid action/i.test(text)) return "unknown_action";
  if (/cool\s?down|locked/i.test(text)) return "cooldown";
  if (/rate.?limit|too many/i.test(text)) return "rate_limited";
  if (/(requires?|only).*(operator|agent)|operator key|agent key|not allowed|permission/i.test(text))
    return "wrong_role";
  if (/not found|no such|unknown agent|does not exist/i.test(text)) return "not_found";
  if (/api.?key|unauthori[sz]ed|authenticat|invalid key|revoked/i.test(text)) return "invalid_key";
  return "invalid_request";
}

function kindOf(refusal: Refusal): FaucetErrorKind {
  if (refusal.error_code && Object.hasOwn(KNOWN_CODES, refusal.error_code))
    return KNOWN_CODES[refusal.error_code] ?? "invalid_request";
  if (refusal.cooldown_until || refusal.seconds_remaining !== undefined) return "cooldown";
  if (refusal.retry_after !== undefined) return "rate_limited";
  return kindFromWording(refusal.error ?? "");
}

export function refusalToError(refusal: Refusal, now: number): FaucetError {
  const kind = kindOf(refusal);
  switch (kind) {
    case "invalid_key":
      return new FaucetError(
        kind,
        "The faucet does not accept this API key. It may be mistyped, or it was rotated elsewhere.",
      );
    case "wrong_role":
      return new FaucetError(
        kind,
        "This action needs the operator key, and the faucet received a different kind of key.",
      );
    case "not_found":
      return new FaucetError(kind, "The faucet has no such agent for this operator. It may have been deleted.");
    case "cooldown": {
      const cooldownUntil =
        parseInstant(refusal.cooldown_until) ??
        (refusal.seconds_remaining !== undefined ? now + refusal.seconds_remaining * 1000 : undefined);
      const until = cooldownUntil ? ` until ${formatUtcTime(cooldownUntil)}` : "";
      return new FaucetError(kind, `Withdrawals are locked${until} after a key rotation.`, { cooldownUntil });
    }
    case "rate_limited": {
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.retry_after ?? 60));
      return new FaucetError(kind, `The faucet is limiting requests. Try again in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      });
    }
    case "unknown_action":
      return new FaucetError(kind, "This faucet does not support that action.");
    default:
      return new FaucetError("invalid_request", invalidRequestMessage(refusal));
  }
}
