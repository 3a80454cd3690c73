"use server";

import { cookies } from "next/headers";

/**
 * The floor of figure 1: the least a Next.js server action can do for a rotation. One
 * regenerate_agent_key call to the faucet, one cookie set, the new key in the reply. No
 * session, no checks, no console code; the faucet and the operator key come from the
 * environment the bench starts this app with.
 */
export async function rotateAgentKey({ agentId }: { agentId: number }): Promise<{ ok: boolean; apiKey?: string }> {
  const response = await fetch(process.env.FLOOR_FAUCET_API_URL ?? "", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      action: "regenerate_agent_key",
      api_key: process.env.FLOOR_OPERATOR_KEY,
      agent_id: agentId,
    }),
    cache: "no-store",
  });
  const reply = (await response.json()) as { success?: boolean; api_key?: string };
  if (reply.success !== true) return { ok: false };
  (await cookies()).set("floor_rotated_at", String(Date.now()), {
    httpOnly: true,
    sameSite: "lax",
    secure: true,
    path: "/",
  });
  return { ok: true, apiKey: reply.api_key };
}
