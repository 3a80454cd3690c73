import { describe, expect, it } from "vitest";
import { envText, jsonText, linkOf } from "./key-sheet";

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

describe("the batch's sheet of hand-off links", () => {
  const links = [
    {
      agentId: 7,
      name: "Alpha Bot",
      handoff: { id: "a".repeat(22), url: `https://console.test/handoff/${"a".repeat(22)}#tok7` },
    },
    {
      agentId: 12,
      name: "Beta Bot",
      handoff: { id: "b".repeat(22), url: `https://console.test/handoff/${"b".repeat(22)}#tok12` },
    },
  ];

  it("writes one AGENT_<ID>_HANDOFF_URL line per agent and no key", () => {
    const text = envText(links);
    expect(text).toBe(`AGENT_7_HANDOFF_URL=${links[0]!.handoff.url}\nAGENT_12_HANDOFF_URL=${links[1]!.handoff.url}\n`);
    expect(text).not.toContain("API_KEY");
  });

  it("writes JSON with a handoff_url and no api_key", () => {
    expect(JSON.parse(jsonText(links))).toEqual([
      { agent_id: 7, name: "Alpha Bot", handoff_url: links[0]!.handoff.url },
      { agent_id: 12, name: "Beta Bot", handoff_url: links[1]!.handoff.url },
    ]);
  });
});

describe("the batch's sheet of enrolment links (Connect agent hosts)", () => {
  const links = [
    {
      agentId: 7,
      name: "Alpha Bot",
      enrolment: { id: "c".repeat(22), url: `https://console.test/hosts/enrol/${"c".repeat(22)}#tok7`, expiresAt: 1 },
    },
    {
      agentId: 12,
      name: "Beta Bot",
      enrolment: { id: "d".repeat(22), url: `https://console.test/hosts/enrol/${"d".repeat(22)}#tok12`, expiresAt: 1 },
    },
  ];

  it("writes one AGENT_<ID>_ENROL_URL line per agent, no key and no hand-off", () => {
    const text = envText(links);
    expect(text).toBe(`AGENT_7_ENROL_URL=${links[0]!.enrolment.url}\nAGENT_12_ENROL_URL=${links[1]!.enrolment.url}\n`);
    expect(text).not.toMatch(/API_KEY|HANDOFF_URL/);
  });

  it("writes JSON with an enrol_url and nothing else", () => {
    expect(JSON.parse(jsonText(links))).toEqual([
      { agent_id: 7, name: "Alpha Bot", enrol_url: links[0]!.enrolment.url },
      { agent_id: 12, name: "Beta Bot", enrol_url: links[1]!.enrolment.url },
    ]);
  });

  it("names each row's link: a hand-off's, an enrolment's, none for a key", () => {
    expect(linkOf(links[0]!)).toBe(links[0]!.enrolment.url);
    expect(linkOf({ agentId: 1, name: "H", handoff: { id: "h", url: "https://console.test/handoff/h#t" } })).toBe(
      "https://console.test/handoff/h#t",
    );
    expect(linkOf(rows[0]!)).toBeNull();
  });
});
