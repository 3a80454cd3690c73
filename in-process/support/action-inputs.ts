import fc from "fast-check";
import type { z } from "zod";
import {
  agentOnlySchema,
  createAgentFieldsSchema,
  createAgentFormSchema,
  fundAgentSchema,
  setAgentActiveSchema,
  setAgentBudgetSchema,
} from "../../lib/agents/agent-change-schemas";

/**
 * The random inputs of the fuzz properties, shared by the in-process properties (vitest,
 * 1,000 inputs each) and their HTTP samples in e2e/ (about 50 each), so both levels test
 * the same shapes. Relative imports only: Playwright loads this file too.
 */

/** Every refusal a rejected input may get: all typed, none a crash. */
export const TYPED_CODES = ["signed_out", "invalid_input", "forbidden_origin", "rate_limited"];

/** A real session cookie ("<name>=<seal>") plus broken variants of it: what a tampering client can send. */
export function cookieArbitrary(validCookie: string) {
  const name = validCookie.slice(0, validCookie.indexOf("="));
  const seal = validCookie.slice(name.length + 1);
  return fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 300 }).map((value) => `${name}=${encodeURIComponent(value)}`),
    fc
      .nat({ max: seal.length - 1 })
      .chain((at) =>
        fc
          .constantFrom("A", "z", "0", "*", "~")
          .map((char) => `${name}=${seal.slice(0, at)}${char === seal[at] ? "B" : char}${seal.slice(at + 1)}`),
      ),
    fc.nat({ max: seal.length - 1 }).map((length) => `${name}=${seal.slice(0, length)}`),
    fc.constant(validCookie),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A rotation confirmation's own fields: `{ attemptId: uuid, knownRotationAt: int ≥ 0 | null, ownAttemptId: uuid | null }`. */
function isValidConfirmation(input: {
  attemptId?: unknown;
  knownRotationAt?: unknown;
  ownAttemptId?: unknown;
}): boolean {
  return (
    typeof input.attemptId === "string" &&
    UUID.test(input.attemptId) &&
    (input.knownRotationAt === null ||
      (Number.isInteger(input.knownRotationAt) && (input.knownRotationAt as number) >= 0)) &&
    (input.ownAttemptId === null || (typeof input.ownAttemptId === "string" && UUID.test(input.ownAttemptId)))
  );
}

/** Arguments that are a valid agent confirmation (`agentId`: positive int, optional `batchId`: uuid) and nothing else. */
export function isValidRotateAgentInput(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const input = value as { agentId?: unknown; batchId?: unknown };
  const keys = Object.keys(value).sort().join();
  const batchOk = !("batchId" in input) || (typeof input.batchId === "string" && UUID.test(input.batchId));
  return (
    (keys === "agentId,attemptId,knownRotationAt,ownAttemptId" ||
      keys === "agentId,attemptId,batchId,knownRotationAt,ownAttemptId") &&
    batchOk &&
    Number.isInteger(input.agentId) &&
    (input.agentId as number) > 0 &&
    isValidConfirmation(value)
  );
}

export function isValidRotateOperatorInput(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.keys(value).sort().join() === "attemptId,knownRotationAt,ownAttemptId" && isValidConfirmation(value);
}

/**
 * A rotation's arguments: any list React's encoder can send (`raw: false`), or a JSON body
 * that is not a list at all (`raw: true`, only a hand-made request sends it).
 */
export function rotationArgumentsArbitrary(isValid: (value: unknown) => boolean) {
  return fc.oneof(
    fc
      .array(fc.anything({ maxDepth: 2, maxKeys: 4, withDate: true, withBigInt: true, withMap: true, withSet: true }), {
        maxLength: 3,
      })
      .chain((args) =>
        fc
          .constant(args)
          .filter((list) => !(list.length === 1 && isValid(list[0])))
          .map((list) => ({ list: list as unknown, raw: false })),
      ),
    // (A body that breaks React's reply encoding itself, like a bare "$" reference, gets Next's own error.)
    fc
      .jsonValue()
      .filter((value) => !Array.isArray(value))
      .map((value) => ({ list: value as unknown, raw: true })),
  );
}

/** The create form is valid only when its strings are and every field reads well. */
export function isValidCreate(value: unknown): boolean {
  const form = createAgentFormSchema.safeParse(value);
  return form.success && createAgentFieldsSchema.safeParse(form.data).success;
}

const isValidFor = (schema: z.ZodType) => (value: unknown) => schema.safeParse(value).success;

/** The lifecycle actions by exported name, with what counts as a valid argument for each. */
export const LIFECYCLE_ACTIONS = [
  ["createAgent", isValidCreate],
  ["setAgentActive", isValidFor(setAgentActiveSchema)],
  ["setAgentBudget", isValidFor(setAgentBudgetSchema)],
  ["sweepAgent", isValidFor(agentOnlySchema)],
  ["fundAgent", isValidFor(fundAgentSchema)],
  ["deleteAgent", isValidFor(agentOnlySchema)],
] as const;

/** Lifecycle cookies: the valid one twice as often, so the argument checks are reached often. */
export function lifecycleCookieArbitrary(validCookie: string) {
  const name = validCookie.slice(0, validCookie.indexOf("="));
  const seal = validCookie.slice(name.length + 1);
  return fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 300 }).map((value) => `${name}=${encodeURIComponent(value)}`),
    fc.nat({ max: seal.length - 1 }).map((length) => `${name}=${seal.slice(0, length)}`),
    fc.constant(validCookie),
    fc.constant(validCookie),
  );
}

/** Lifecycle argument lists a page or a hand-made request can send, near misses of the real shapes included. */
export function lifecycleArgumentsArbitrary(isValid: (value: unknown) => boolean) {
  const nearMiss = fc.record(
    {
      agentId: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.bigInt()),
      isActive: fc.oneof(fc.boolean(), fc.string(), fc.integer()),
      budgetLimitSats: fc.oneof(
        fc.integer({ min: -10, max: 10 }),
        fc.double(),
        fc.constant(null),
        fc.string(),
        fc.constant(Number.MAX_SAFE_INTEGER + 2),
      ),
      amountSats: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.double(), fc.string()),
      name: fc.oneof(fc.string({ maxLength: 120 }), fc.constant(""), fc.constant(" "), fc.integer()),
      description: fc.oneof(fc.string({ maxLength: 600 }), fc.constant(null)),
      budget: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom("-1", "1.5", "1e3", "99999999999999999999", "abc"),
        fc.integer(),
      ),
    },
    { requiredKeys: [], noNullPrototype: true },
  );
  return fc
    .oneof(
      fc
        .array(
          fc.anything({ maxDepth: 2, maxKeys: 4, withDate: true, withBigInt: true, withMap: true, withSet: true }),
          { maxLength: 3 },
        )
        .map((list) => ({ list: list as unknown, raw: false })),
      fc.tuple(nearMiss).map((list) => ({ list: list as unknown, raw: false })),
      fc
        .jsonValue()
        .filter((value) => !Array.isArray(value))
        .map((value) => ({ list: value as unknown, raw: true })),
    )
    .filter(({ list, raw }) => raw || !(Array.isArray(list) && list.length === 1 && isValid(list[0])));
}

/** A signed-in create form with at least one bad field. */
export const badCreateForm = fc
  .record(
    {
      name: fc.oneof(fc.string({ maxLength: 30 }), fc.constant("   "), fc.string({ minLength: 101, maxLength: 300 })),
      description: fc.oneof(fc.string({ maxLength: 30 }), fc.string({ minLength: 501, maxLength: 700 })),
      budget: fc.oneof(
        fc.constant(""),
        fc.nat().map(String),
        fc.integer({ max: -1 }).map(String),
        fc.double().map(String),
        fc.string({ maxLength: 12 }),
      ),
    },
    { noNullPrototype: true },
  )
  .filter((value) => !createAgentFieldsSchema.safeParse(value).success);

/** The fields createAgent must name for a bad form. */
export function expectedCreateFieldErrors(value: unknown): string[] {
  const issues = createAgentFieldsSchema.safeParse(value).error?.issues ?? [];
  return [...new Set(issues.map((issue) => String(issue.path[0])))].sort();
}

/** Operator keys of every malformed shape: too short, bad characters, graphemes, too long. */
export const malformedOperatorKey = fc.oneof(
  fc.string({ maxLength: 9 }).filter((key) => /^[A-Za-z0-9_-]*$/.test(key.trim())),
  fc.string({ minLength: 1, maxLength: 300 }).filter((key) => !/^[A-Za-z0-9_-]{10,200}$/.test(key.trim())),
  fc.string({ unit: "grapheme", minLength: 10, maxLength: 50 }).filter((key) => !/^[A-Za-z0-9_-]+$/.test(key.trim())),
  fc.string({ unit: fc.constantFrom("a", "b", "1", "_"), minLength: 201, maxLength: 2000 }),
);

/** Bodies for the bulk JSON route: JSON that is not a valid confirmation, any text, one oversized body. */
export const bulkBody = fc.oneof(
  fc
    .jsonValue()
    .filter((value) => !isValidRotateAgentInput(value))
    .map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constant("x".repeat(20_000)),
);
export const bulkContentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
);

/** Queries of the agents data route: its own parameter names and values, and junk. */
export const agentsQuery = fc.dictionary(
  fc.constantFrom("q", "sort", "dir", "filter", "offset", "limit", "x"),
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.integer().map(String),
    fc.constantFrom("name", "balance", "cooldown", "asc", "desc", "all", "active", "inactive"),
  ),
);

/** Arguments for signOut and signInAsDemo: any list, or a JSON body that is not a list. */
export const anyArguments = fc.oneof(
  fc.array(fc.anything({ maxDepth: 2, maxKeys: 4 }), { maxLength: 3 }),
  fc.jsonValue().filter((value) => !Array.isArray(value)),
);
