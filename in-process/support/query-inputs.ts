import fc from "fast-check";

/**
 * Query strings for the pages and the audit routes, shared by the in-process properties
 * (in-process/pages.fuzz.test.ts, in-process/routes.fuzz.test.ts) and their HTTP sample (e2e/query-fuzz.spec.ts).
 */
export const PROTOTYPE_NAMES = [
  "constructor",
  "__proto__",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "prototype",
  "isPrototypeOf",
  "__defineGetter__",
  "toLocaleString",
  "then",
];
/** The audit log's filters and some of their values, good and nearly good. */
const AUDIT_WORDS = [
  "agent",
  "action",
  "outcome",
  "from",
  "to",
  "batch",
  "cursor",
  "sign_in",
  "rotate_agent_key",
  "unknown",
  "pending",
  "key_missing",
  "2026-11-30",
  "2026-02-30",
  "0000-00-00",
  "9999-12-31",
  "00000000-0000-4000-8000-000000000000",
  "9007199254740993",
  "1.5",
  "-0",
];
const KNOWN_NAMES = [
  "reason",
  "q",
  "sort",
  "dir",
  "filter",
  "offset",
  "limit",
  "key_invalid",
  "signed_out",
  "name",
  "balance",
  "cooldown",
  "asc",
  "desc",
  "all",
  "active",
  "inactive",
];

const text = fc.oneof(
  fc.constantFrom(
    ...PROTOTYPE_NAMES,
    ...KNOWN_NAMES,
    ...AUDIT_WORDS,
    "",
    "-1",
    "1e309",
    "NaN",
    "null",
    "undefined",
    "[]",
    "{}",
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer().map(String),
  fc.string({ minLength: 1000, maxLength: 3000 }),
);
/** Names as a browser or a hand-edited link may send them: plain, bracketed (arrays), repeated. */
const name = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, ...KNOWN_NAMES, ...AUDIT_WORDS),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("reason[]", "reason[0]", "q[]", "__proto__[x]", "constructor[prototype]"),
);
const encodedPair = fc
  .tuple(name, text)
  .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
/** Raw fragments a percent-decoder may choke on. */
const rawPair = fc.constantFrom(
  "reason=%",
  "reason=%zz",
  "q=%E0%A4%A",
  "%=%",
  "&&&",
  "reason",
  "=x",
  "reason=a&reason=b",
  "q=%00",
  "sort=%C0%AF",
);
export const queryString = fc
  .array(fc.oneof({ weight: 4, arbitrary: encodedPair }, { weight: 1, arbitrary: rawPair }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((pairs) => pairs.join("&"));
