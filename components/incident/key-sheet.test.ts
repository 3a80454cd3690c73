import { describe, expect, it } from "vitest";
import { envText, jsonText } from "./key-sheet";

const rows = [
  { agentId: 7, name: "Alpha Bot", apiKey: "agent_0123456789abcdef0123456789abcdef" },
  { agentId: 12, name: 'Beta "Bot"', apiKey: "agent_fedcba9876543210fedcba9876543210" },
];

describe("the batch's key sheet", () => {
  it("writes one AGENT_<ID>_API_KEY line per rotated agent and nothing else", () => {
    expect(envText(rows)).toBe(
      "AGENT_7_API_KEY=agent_0123456789abcdef0123456789abcdef\nAGENT_12_API_KEY=agent_fedcba9876543210fedcba9876543210\n",
    );
  });

  it("writes JSON with the agent's id, name and key, names escaped", () => {
    expect(JSON.parse(jsonText(rows))).toEqual([
      { agent_id: 7, name: "Alpha Bot", api_key: rows[0]!.apiKey },
      { agent_id: 12, name: 'Beta "Bot"', api_key: rows[1]!.apiKey },
    ]);
  });
});
