import { expect, type APIRequestContext } from "@playwright/test";

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
