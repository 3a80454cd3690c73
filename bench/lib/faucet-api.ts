/** Direct calls to a faucet's HTTP API, as an agent or a script would make them. */
export type FaucetReply = Record<string, unknown> & { success?: boolean };

export async function faucetCall(apiUrl: string, body: Record<string, unknown>): Promise<FaucetReply> {
  const response = await fetch(apiUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`faucet answered HTTP ${response.status} to ${String(body.action)}`);
  return (await response.json()) as FaucetReply;
}

export async function faucetOk(apiUrl: string, body: Record<string, unknown>): Promise<FaucetReply> {
  const reply = await faucetCall(apiUrl, body);
  if (reply.success !== true) throw new Error(`faucet refused ${String(body.action)}: ${String(reply.error)}`);
  return reply;
}

/** A fresh operator with `agentCount` agents; returns its key and the agents' ids. */
export async function newOperator(
  apiUrl: string,
  name: string,
  agentCount: number,
): Promise<{ operatorKey: string; agentIds: number[] }> {
  const registered = await faucetOk(apiUrl, { action: "register", name });
  const operatorKey = String(registered.api_key);
  const agentIds: number[] = [];
  for (let index = 0; index < agentCount; index++) {
    const created = await faucetOk(apiUrl, {
      action: "create_agent",
      api_key: operatorKey,
      name: `${name} agent ${String(index + 1).padStart(3, "0")}`,
    });
    agentIds.push(Number(created.agent_id));
  }
  return { operatorKey, agentIds };
}

/** The stand-alone faucet's fault injection ({} clears). */
export async function setFaults(faucetUrl: string, faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${faucetUrl}/__test/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`setting faults failed: HTTP ${response.status}`);
}

export async function faucetCalls(faucetUrl: string): Promise<Record<string, number>> {
  const response = await fetch(`${faucetUrl}/__test/stats`);
  return ((await response.json()) as { calls: Record<string, number> }).calls;
}
