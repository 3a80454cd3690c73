import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAgent } from "@/lib/actions/create-agent";
import { deleteAgent } from "@/lib/actions/delete-agent";
import { fundAgent } from "@/lib/actions/fund-agent";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { rotateOperatorKey } from "@/lib/actions/rotate-operator-key";
import { setAgentActive } from "@/lib/actions/set-agent-active";
import { setAgentBudget } from "@/lib/actions/set-agent-budget";
import { signIn } from "@/lib/actions/sign-in";
import { signInAsDemo } from "@/lib/actions/sign-in-as-demo";
import { signOut, signOutEverywhere } from "@/lib/actions/sign-out";
import { sweepAgent } from "@/lib/actions/sweep-agent";
import { SESSION_COOKIE } from "@/lib/session/session-seal";
import {
  anyArguments,
  badCreateForm,
  cookieArbitrary,
  expectedCreateFieldErrors,
  isValidRotateAgentInput,
  isValidRotateOperatorInput,
  LIFECYCLE_ACTIONS,
  lifecycleArgumentsArbitrary,
  lifecycleCookieArbitrary,
  malformedOperatorKey,
  rotationArgumentsArbitrary,
  TYPED_CODES,
} from "./support/action-inputs";
import { asRequest, startInProcessConsole, type InProcessConsole } from "./support/in-process-console";
import { setCookieValue } from "./support/next-headers-double";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * Property-based abuse of every server action, called as the functions Next.js calls
 * (with the argument list it decoded), 1,000 random inputs each: never a throw (a 500 in
 * a running console), always a typed refusal, never a faucet call for input the console
 * must reject. The HTTP wiring in front (Next's decoding, the proxy's Origin and body
 * checks) is sampled in e2e/fuzz-actions.spec.ts and e2e/fuzz-lifecycle.spec.ts; bodies
 * that are not an argument list never reach an action (see proxy.fuzz.test.ts).
 */
const RUNS = 1000;
type Action = (...args: unknown[]) => Promise<unknown>;

let console_: InProcessConsole;
beforeAll(async () => {
  console_ = await startInProcessConsole();
});
afterAll(async () => {
  await console_?.close();
});

/** Asserts a typed refusal of a rejected input: `{ ok: false, code }` with a code from TYPED_CODES. Returns the code. */
function expectTypedRefusal(outcome: Awaited<ReturnType<typeof asRequest>>): string {
  expect(outcome.kind).toBe("returned");
  const result = outcome.kind === "returned" ? outcome.value : undefined;
  expect(result).toMatchObject({ ok: false });
  const { code } = result as { code: string };
  expect(TYPED_CODES).toContain(code);
  return code;
}

/** Both halves ran: signed-out refusals, and signed-in ones that reached the argument check. */
function expectBothHalves(codes: Set<string>) {
  expect([...codes].sort()).toEqual(["invalid_input", "signed_out"]);
}

const ROTATIONS = [
  ["rotateAgentKey", rotateAgentKey, isValidRotateAgentInput],
  ["rotateOperatorKey", rotateOperatorKey, isValidRotateOperatorInput],
] as const;

describe("rotation actions", () => {
  for (const [name, action, isValid] of ROTATIONS) {
    it(`${name} answers random arguments and cookies with typed errors and no faucet call`, async () => {
      const { operatorKey, operatorId } = await console_.newOperator(`Fuzz ${name} Operator`, ["Fuzz Target"]);
      const validCookie = await console_.signInCookie(operatorKey);
      const before = console_.callsOf(operatorId);
      const allBefore = console_.faucet.stats().calls;
      const lists = rotationArgumentsArbitrary(isValid).filter(({ raw }) => !raw);
      const codes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(lists, cookieArbitrary(validCookie), async ({ list }, cookie) => {
          codes.add(expectTypedRefusal(await asRequest({ cookie }, () => (action as Action)(...(list as unknown[])))));
        }),
        { numRuns: RUNS },
      );
      expectBothHalves(codes);
      expect(console_.callsOf(operatorId), "no faucet call for rejected input").toEqual(before);
      expect(console_.faucet.stats().calls, "no faucet call at all").toEqual(allBefore);
    });
  }
});

describe("lifecycle actions", () => {
  const actions: Record<(typeof LIFECYCLE_ACTIONS)[number][0], Action> = {
    createAgent,
    setAgentActive,
    setAgentBudget,
    sweepAgent,
    fundAgent,
    deleteAgent,
  } as Record<string, Action>;
  for (const [name, isValid] of LIFECYCLE_ACTIONS) {
    it(`${name} answers random arguments and cookies with typed errors and no faucet call`, async () => {
      const { operatorKey, operatorId } = await console_.newOperator(`Fuzz ${name} Operator`, ["Fuzz Life Target"]);
      const validCookie = await console_.signInCookie(operatorKey);
      const before = console_.callsOf(operatorId);
      const allBefore = console_.faucet.stats().calls;
      const lists = lifecycleArgumentsArbitrary(isValid).filter(({ raw }) => !raw);
      const codes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(lists, lifecycleCookieArbitrary(validCookie), async ({ list }, cookie) => {
          codes.add(expectTypedRefusal(await asRequest({ cookie }, () => actions[name](...(list as unknown[])))));
        }),
        { numRuns: RUNS },
      );
      expectBothHalves(codes);
      expect(console_.callsOf(operatorId), "no faucet call for rejected input").toEqual(before);
      expect(console_.faucet.stats().calls, "no faucet call at all").toEqual(allBefore);
    });
  }

  it("createAgent names each bad field of a signed-in form, with no faucet call", async () => {
    const { operatorKey, operatorId } = await console_.newOperator("Fuzz Create Fields Operator", []);
    const cookie = await console_.signInCookie(operatorKey);
    const before = console_.callsOf(operatorId);
    await fc.assert(
      fc.asyncProperty(badCreateForm, async (value) => {
        const outcome = await asRequest({ cookie }, () => createAgent(value));
        expect(outcome.kind).toBe("returned");
        const result = (outcome.kind === "returned" ? outcome.value : undefined) as {
          ok: boolean;
          code: string;
          fieldErrors?: Record<string, string>;
        };
        expect(result).toMatchObject({ ok: false, code: "invalid_input" });
        expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(expectedCreateFieldErrors(value));
      }),
      { numRuns: RUNS },
    );
    expect(console_.callsOf(operatorId), "no faucet call for a bad form").toEqual(before);
  });
});

describe("sign-in and sign-out", () => {
  it("the sign-in action answers keys of every malformed shape with a specific message, no session and no faucet call", async () => {
    const allBefore = console_.faucet.stats().calls;
    await fc.assert(
      fc.asyncProperty(malformedOperatorKey, async (key) => {
        const form = new FormData();
        form.set("operatorKey", key);
        const outcome = await asRequest({}, () => signIn(null, form));
        expect(outcome.kind).toBe("returned");
        const state = (outcome.kind === "returned" ? outcome.value : undefined) as {
          fieldErrors?: { operatorKey?: string };
        };
        expect(state.fieldErrors?.operatorKey).toMatch(/API key|too (long|short)|Enter the operator/);
        expect(setCookieValue(SESSION_COOKIE), "no session cookie").toBeUndefined();
      }),
      { numRuns: RUNS },
    );
    expect(console_.faucet.stats().calls, "no faucet call for a malformed key").toEqual(allBefore);
    // The control: a well-formed key does reach the faucet, so the count can see calls.
    const form = new FormData();
    form.set("operatorKey", "lf_0123456789abcdef0123456789abcdef");
    const wellFormed = await asRequest({}, () => signIn(null, form));
    expect(wellFormed).toMatchObject({
      kind: "returned",
      value: { fieldErrors: { operatorKey: expect.stringContaining("does not know this key") } },
    });
    expect(console_.faucet.stats().calls.whoami ?? 0).toBe((allBefore.whoami ?? 0) + 1);
  });

  it("sign-out, sign out everywhere and demo sign-in accept any arguments and cookies: a result or a redirect, never a throw", async () => {
    const { operatorKey } = await console_.newOperator("Fuzz Sign Out Operator", []);
    const validCookie = await console_.signInCookie(operatorKey);
    await fc.assert(
      fc.asyncProperty(anyArguments.filter(Array.isArray), cookieArbitrary(validCookie), async (args, cookie) => {
        for (const action of [signOut, signOutEverywhere, signInAsDemo] as Action[]) {
          const outcome = await asRequest({ cookie }, () => action(...(args as unknown[])));
          if (outcome.kind === "redirected")
            expect(outcome.url).toMatch(/^\/(agents|\?reason=(sign_out_incomplete|signed_out_everywhere))?$/);
          else expect(outcome.value === undefined || (outcome.value as { ok?: unknown }).ok === false).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
