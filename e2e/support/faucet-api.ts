import { expect, type APIRequestContext } from "@playwright/test";
import { SERVERS } from "./servers";

/** A direct client of a faucet's HTTP API, as an agent or a script would use it. */
export class FaucetApi {
  constructor(
    private readonly request: APIRequestContext,
    readonly url: string,
  ) {}

  async call(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await this.request.post(this.url, { data: body });
    expect(response.status(), `faucet HTTP status for ${String(body.action)}`).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  async ok(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.call(body);
    expect(reply.success, `faucet refused ${String(body.action)}: ${String(reply.error)}`).toBe(true);
    return reply;
  }

  /** A fresh operator with agents, so parallel tests never share state. */
  async newOperator(name: string, agentNames: string[] = ["Alpha Bot", "Beta Bot"]) {
    const registered = await this.ok({ action: "register", name });
    const operatorKey = String(registered.api_key);
    const agents: { id: number; name: string; key: string }[] = [];
    for (const agentName of agentNames) {
      const created = await this.ok({ action: "create_agent", api_key: operatorKey, name: agentName });
      agents.push({ id: Number(created.agent_id), name: agentName, key: String(created.api_key) });
    }
    return { operatorKey, operatorId: Number(registered.operator_id), agents };
  }

  async whoami(apiKey: string) {
    return this.call({ action: "whoami", api_key: apiKey });
  }
}

/** The stand-alone test faucet's controls. */
export class FaucetControl {
  constructor(
    private readonly request: APIRequestContext,
    private readonly baseUrl: string,
  ) {}

  async setFaults(faults: Record<string, unknown>) {
    const response = await this.request.post(`${this.baseUrl}/__test/faults`, { data: faults });
    expect(response.ok()).toBe(true);
  }

  async clearFaults() {
    await this.setFaults({});
  }

  async calls(action: string): Promise<number> {
    const response = await this.request.get(`${this.baseUrl}/__test/stats`);
    const stats = (await response.json()) as { calls: Record<string, number> };
    return stats.calls[action] ?? 0;
  }
}

export type SeededOperator = {
  operatorKey: string;
  operatorId: number;
  agents: { id: number; name: string; key: string }[];
};

/**
 * A fresh operator with many agents on the stand-alone test faucet, in one write
 * (POST /__test/seed) instead of one create_agent call per agent. `agents` is a list of
 * names, or a count and a prefix: "<prefix><index>", the index zero-padded to the count's width.
 */
export async function seedOperator(
  request: APIRequestContext,
  name: string,
  agents: string[] | { count: number; prefix: string },
): Promise<SeededOperator> {
  const data = Array.isArray(agents)
    ? { name, agentNames: agents }
    : { name, agentCount: agents.count, agentNamePrefix: agents.prefix };
  const response = await request.post(`${SERVERS.faucet.url}/__test/seed`, { data });
  expect(response.status(), await response.text()).toBe(200);
  const body = (await response.json()) as {
    operator_id: number;
    api_key: string;
    agents: { agent_id: number; name: string; api_key: string }[];
  };
  return {
    operatorKey: body.api_key,
    operatorId: body.operator_id,
    agents: body.agents.map((agent) => ({ id: agent.agent_id, name: agent.name, key: agent.api_key })),
  };
}
