import { expect, type APIRequestContext } from "@playwright/test";
import { SERVERS } from "./servers";

/**
 * The test faucet's controls narrowed to one operator: faults hit only requests made with
 * that operator's (or its agents') keys, and counts are only that operator's calls. Tests
 * running in parallel on the one stand-alone faucet therefore neither count each other's
 * calls nor catch each other's faults.
 */
export class OperatorFaucetControl {
  constructor(
    private readonly request: APIRequestContext,
    readonly operatorId: number,
    private readonly baseUrl: string = SERVERS.faucet.url,
  ) {}

  async setFaults(faults: Record<string, unknown>) {
    const response = await this.request.post(`${this.baseUrl}/__test/faults`, {
      data: { ...faults, operatorIds: [this.operatorId] },
    });
    expect(response.ok(), await response.text()).toBe(true);
  }

  async clearFaults() {
    await this.setFaults({});
  }

  /** Calls per action made by this operator so far. */
  async allCalls(): Promise<Record<string, number>> {
    const response = await this.request.get(`${this.baseUrl}/__test/stats?operator_id=${this.operatorId}`);
    expect(response.ok()).toBe(true);
    return ((await response.json()) as { calls: Record<string, number> }).calls;
  }

  async calls(action: string): Promise<number> {
    return (await this.allCalls())[action] ?? 0;
  }
}
