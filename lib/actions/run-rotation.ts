import "server-only";
import { isFaucetError, type Rotation } from "@/lib/faucet";
import { rotationLimiter } from "@/lib/security/rate-limiter";
import { failure, type ActionResult } from "./action-result";
import { guardRotation } from "./rotation-guard";

export type RotationOutcome = { apiKey: string; cooldownUntil: number };

type RotationRequest = {
  operatorId: number;
  /** What is being rotated, e.g. "agent:7" or "operator". */
  target: string;
  /** Cooldown end the user saw for this target when confirming: the basis of "rotated elsewhere". */
  seenCooldownUntil: number | null;
  /** The faucet's documented cooldown, used when its reply carries no cooldown_until. */
  defaultCooldownMs: number;
  call: () => Promise<Rotation>;
  now?: () => number;
};

function utcClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19) + " UTC";
}

/**
 * The shared path of every key rotation: rate limit, one call per confirmation, and an
 * honest answer when the faucet's reply did not make it back. Never retries.
 */
export async function runRotation(request: RotationRequest): Promise<ActionResult<RotationOutcome>> {
  const now = request.now ?? Date.now;
  const limit = rotationLimiter().take(`operator:${request.operatorId}`);
  if (!limit.allowed) {
    return failure("rate_limited", `Too many rotations in a minute. Try again in ${limit.retryAfterSeconds} s.`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }
  let verdict;
  try {
    verdict = await guardRotation(`${request.operatorId}:${request.target}`, request.seenCooldownUntil, async () => {
      const rotation = await request.call();
      const cooldownUntil = rotation.cooldownUntil ?? now() + request.defaultCooldownMs;
      // A reply without a key is not remembered as a rotation: the user must be free to rotate again.
      return { value: { ...rotation, cooldownUntil }, cooldownUntil: rotation.apiKey ? cooldownUntil : null };
    }, now);
  } catch (error) {
    if (isFaucetError(error) && error.mayHaveCommitted) {
      return failure(
        "outcome_unknown",
        `Outcome unknown: ${error.message} The faucet may have rotated the key anyway, so the old key may already be invalid. Rotate again to get a key you can use.`,
      );
    }
    throw error;
  }
  if (verdict.kind === "rotated_elsewhere") {
    return failure(
      "rotated_elsewhere",
      `This key was just rotated elsewhere (at ${utcClock(verdict.at)}), from another tab or window. That rotation's key was shown there. Reload to see the new state; rotate again only if that key is lost.`,
    );
  }
  const { apiKey, cooldownUntil } = verdict.value;
  if (!apiKey) {
    return failure(
      "key_missing",
      "The faucet says it rotated the key but sent no new key. The old key is probably invalid already and the new one was never shown. Rotate again to get a key you can use.",
    );
  }
  return { ok: true, data: { apiKey, cooldownUntil } };
}
