import { describe, expect, it } from "vitest";
import { auditCsvRow, csvField } from "./audit-csv";

describe("the audit CSV", () => {
  it("quotes separators and quotes, and defuses formulas", () => {
    expect(csvField('Mozilla "x", y')).toBe('"Mozilla ""x"", y"');
    expect(csvField("=HYPERLINK(1)")).toBe(`"'=HYPERLINK(1)"`);
    expect(csvField("-1")).toBe(`"'-1"`);
    expect(csvField(-1)).toBe("-1");
    expect(csvField(null)).toBe("");
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
  });

  it("writes one line per event, with the fingerprint and never more", () => {
    const line = auditCsvRow({
      id: "e1",
      seq: 1,
      at: Date.UTC(2026, 10, 30, 12),
      finishedAt: null,
      operatorId: 7,
      action: "rotate_agent_key",
      target: "agent:4",
      outcome: "ok",
      neverCompleted: false,
      refusal: null,
      keyFingerprint: "agent_…9f3a",
      sessionLabel: "3fa1c2d0",
      clientAddress: "127.0.0.1",
      userAgent: "UA",
      instanceId: "i1",
      batchId: null,
    });
    expect(line).toBe("2026-11-30T12:00:00.000Z,,7,rotate_agent_key,agent:4,ok,false,,agent_…9f3a,3fa1c2d0,127.0.0.1,UA,i1,,e1\r\n");
  });
});
