import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "./audit-entry";
import { AUDIT_CSV_COLUMNS, auditCsvHeader, auditCsvRow, csvField } from "./audit-csv";

const TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);

/** A strict RFC 4180 parser: quoted or bare fields, "" inside quotes, CRLF between records. Throws on anything else. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("an unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r") {
        if (text[i] === '"' || text[i] === "\n") throw new Error(`a bare field holds ${JSON.stringify(text[i])}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text.startsWith("\r\n", i)) {
      records.push(record);
      record = [];
      i += 2;
      if (i === text.length) return records;
      continue;
    }
    throw new Error(`a field ends in ${JSON.stringify(text.slice(i, i + 5))}, not a comma or CRLF`);
  }
}

/** Where a spreadsheet splitting on `;` or `|` starts a cell inside a field. */
function cellStarts(field: string): number[] {
  const starts = [0];
  for (let i = 0; i < field.length; i++) if (field[i] === ";" || field[i] === "|") starts.push(i + 1);
  return starts;
}

/** `original` is `written` with some apostrophes taken out, each of which stood before a trigger. */
function onlyApostrophesAdded(written: string, original: string): boolean {
  let j = 0;
  for (let i = 0; i < written.length; i++) {
    if (j < original.length && written[i] === original[j]) j++;
    else if (!(written[i] === "'" && TRIGGERS.has(written[i + 1] ?? ""))) return false;
  }
  return j === original.length;
}

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: "e1",
    seq: 1,
    at: Date.UTC(2026, 10, 30, 12),
    finishedAt: null,
    operatorId: 7,
    action: "rotate_agent_key",
    target: "agent:4",
    agentName: "Research Bot",
    outcome: "ok",
    neverCompleted: false,
    refusal: null,
    keyLabel: "agent_…9f3a",
    sessionLabel: "3fa1c2d0",
    clientAddress: "127.0.0.1",
    userAgent: "UA",
    instanceId: "i1",
    batchId: null,
    ...overrides,
  };
}

describe("the audit CSV", () => {
  it("quotes every text field, separators and quotes included, and defuses formulas", () => {
    expect(csvField('Mozilla "x", y')).toBe('"Mozilla ""x"", y"');
    expect(csvField("=HYPERLINK(1)")).toBe(`"'=HYPERLINK(1)"`);
    expect(csvField("-1")).toBe(`"'-1"`);
    expect(csvField("plain")).toBe('"plain"');
    expect(csvField(-1)).toBe("-1");
    expect(csvField(false)).toBe("false");
    expect(csvField(null)).toBe("");
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
  });

  it("defuses a formula after ';' or '|' too: the user agent x;=1+1; is quoted and cannot start a formula", () => {
    expect(csvField("x;=1+1;")).toBe(`"x;'=1+1;"`);
    expect(csvField("a|@SUM(1)|+2;-3;\tb")).toBe(`"a|'@SUM(1)|'+2;'-3;'\tb"`);
    const [, row] = parseCsv(auditCsvHeader() + auditCsvRow(entry({ userAgent: "x;=1+1;" })));
    expect(row?.[AUDIT_CSV_COLUMNS.indexOf("user_agent")]).toBe("x;'=1+1;");
  });

  it("writes one line per event, with the fingerprint and never more", () => {
    expect(auditCsvRow(entry())).toBe(
      '"2026-11-30T12:00:00.000Z",,7,"rotate_agent_key","agent:4","Research Bot","ok",false,,"agent_…9f3a","3fa1c2d0","127.0.0.1","UA","i1",,"e1"\r\n',
    );
  });

  it("names the agent as the event recorded it in agent_name, empty when the console knew no name", () => {
    expect(AUDIT_CSV_COLUMNS.indexOf("agent_name")).toBe(AUDIT_CSV_COLUMNS.indexOf("target") + 1);
    const [, named] = parseCsv(auditCsvHeader() + auditCsvRow(entry({ agentName: 'Data Scraper, "v2"' })));
    expect(named?.[AUDIT_CSV_COLUMNS.indexOf("agent_name")]).toBe('Data Scraper, "v2"');
    const [, unnamed] = parseCsv(auditCsvHeader() + auditCsvRow(entry({ agentName: null })));
    expect(unnamed?.[AUDIT_CSV_COLUMNS.indexOf("agent_name")]).toBe("");
    expect(unnamed?.[AUDIT_CSV_COLUMNS.indexOf("target")]).toBe("agent:4");
  });

  it("round-trips any text through an RFC 4180 parse, and no field or ;|-cell begins with a formula trigger (1,000 runs)", () => {
    const text = fc.oneof(
      fc.string({
        unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", ";", "|", '"', ",", "'", "a", " ", "é"),
      }),
      fc.string({ unit: "grapheme" }),
    );
    fc.assert(
      fc.property(text, text, text, text, (userAgent, clientAddress, refusal, agentName) => {
        const csv = auditCsvHeader() + auditCsvRow(entry({ userAgent, clientAddress, refusal, agentName }));
        const records = parseCsv(csv);
        expect(records).toHaveLength(2);
        const [header, row] = records as [string[], string[]];
        expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
        expect(row).toHaveLength(AUDIT_CSV_COLUMNS.length);
        for (const [column, original] of [
          ["user_agent", userAgent],
          ["client_address", clientAddress],
          ["refusal", refusal],
          // An agent's name is the operator's free text, as dangerous in a spreadsheet as a user agent.
          ["agent_name", agentName],
        ] as const) {
          const written = row[AUDIT_CSV_COLUMNS.indexOf(column)] ?? "";
          expect(
            onlyApostrophesAdded(written, original),
            `${column}: ${JSON.stringify(written)} from ${JSON.stringify(original)}`,
          ).toBe(true);
        }
        for (const field of row)
          for (const start of cellStarts(field)) expect(TRIGGERS.has(field[start] ?? "")).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });
});
