import type { FaucetError } from "@/lib/faucet";
import { failure, type ActionFailure } from "./action-result";

/** How a faucet error reads to an operator who just asked for a change. */
export function faucetFailure(error: FaucetError): ActionFailure {
  switch (error.kind) {
    case "invalid_key":
      return failure("key_invalid", "The faucet no longer accepts your operator key: it was rotated or revoked elsewhere. Sign in with the current key.");
    case "not_found":
      return failure("not_found", "The faucet has no such agent for this operator. It may have been deleted; the list is being refreshed.");
    case "rate_limited":
      return failure("rate_limited", error.message, { retryAfterSeconds: error.retryAfterSeconds });
    case "cooldown":
    case "wrong_role":
    case "invalid_request":
    case "unknown_action":
      return failure("faucet_refused", error.message);
    case "timeout":
    case "upstream_unavailable":
    case "bad_response":
      return failure("faucet_unavailable", error.message);
  }
}
