import { expect, test } from "@playwright/test";
import { faucetOf } from "./support/signed-in-operator";
import { actionIds, callSignIn } from "./support/server-actions";
import { SERVERS } from "./support/servers";

const ids = actionIds();
const url = SERVERS.embedded.url;

async function fieldErrorFor(request: Parameters<typeof callSignIn>[0], key: string): Promise<string | null> {
  const reply = await callSignIn(request, url, ids.signIn!, key);
  expect(reply.status, "never a 5xx, whatever the key").toBe(200);
  return (reply.result as { fieldErrors?: { operatorKey?: string } } | null)?.fieldErrors?.operatorKey ?? null;
}

test("each kind of wrong key gets its own message", async ({ request }) => {
  const { agents } = await faucetOf(request, url).newOperator("Inputs Operator", ["Inputs Bot"]);
  expect(await fieldErrorFor(request, "")).toBe("Enter the operator API key.");
  expect(await fieldErrorFor(request, "   \n\t ")).toBe("Enter the operator API key.");
  expect(await fieldErrorFor(request, "lf_" + "a".repeat(12_000))).toBe(
    "That is 12,003 characters: too long to be an API key (200 at most). Check what was pasted.",
  );
  // Past the action body limit (16 KB) the proxy refuses before any action runs: typed, never a 5xx.
  const huge = await callSignIn(request, url, ids.signIn!, "lf_" + "a".repeat(1024 * 1024));
  expect(huge.status).toBe(413);
  expect(huge.body).toEqual({ ok: false, code: "invalid_input", message: "The request is too large for the console." });
  expect(await fieldErrorFor(request, "lf_ключ_операторa")).toBe(
    "An API key uses only plain letters, digits, “_” and “-”; this one has other characters.",
  );
  expect(await fieldErrorFor(request, "lf_abc def_0123456789")).toBe(
    "An API key has no spaces or line breaks inside it. Check what was pasted.",
  );
  expect(await fieldErrorFor(request, "lf_short")).toBe("That is too short to be an API key (10 characters at least).");
  expect(await fieldErrorFor(request, agents[0]!.key)).toBe(
    "That is the key of agent “Inputs Bot”. Sign in with the operator key (it starts with lf_).",
  );
  expect(await fieldErrorFor(request, "lf_00000000000000000000000000000000")).toBe(
    "The faucet does not know this key. Check it, or use the key from the latest rotation.",
  );
});

// One sign-in page for both: the keyboard's sign-out leaves the form open for the padded key.
test("sign-in and sign-out work from the keyboard alone; a key pasted with spaces and line breaks around it signs in", async ({
  page,
  request,
}) => {
  const faucet = faucetOf(request, url);
  const { operatorKey } = await faucet.newOperator("Keyboard Operator", ["Keyboard Bot"]);
  const { operatorKey: paddedKey } = await faucet.newOperator("Padded Operator", ["Padded Bot"]);
  await page.goto(`${url}/`);

  await test.step("sign-in and sign-out work from the keyboard alone", async () => {
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Operator API key")).toBeFocused();
    await page.keyboard.type(operatorKey);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/agents$/);
    const signOut = page.getByRole("button", { name: "Sign out", exact: true });
    await expect(signOut).toBeVisible();
    for (
      let presses = 0;
      presses < 10 && !(await signOut.evaluate((element) => element === document.activeElement));
      presses++
    ) {
      await page.keyboard.press("Tab");
    }
    await expect(signOut).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByLabel("Operator API key")).toBeVisible();
  });

  await test.step("a key pasted with spaces and line breaks around it signs in", async () => {
    await page.getByLabel("Operator API key").fill(`  ${paddedKey}\n `);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/agents$/);
    await expect(page.getByRole("heading", { name: "Padded Operator" })).toBeVisible();
  });
});
