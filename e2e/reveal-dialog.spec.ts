import { expect, test, type Page } from "@playwright/test";
import { readRevealedKey, rotateAgent } from "./support/console-page";
import { expectKeyNowhere, signInFreshOperator } from "./support/signed-in-operator";

const CLOSE_QUESTION = "Close without saving the key?";

function revealOf(page: Page, agentName: string) {
  return page.getByRole("dialog", { name: `New API key for ${agentName}` });
}

async function copyKey(page: Page, agentName: string): Promise<string> {
  await revealOf(page, agentName).getByRole("button", { name: "Copy key" }).click();
  await expect(revealOf(page, agentName).getByRole("status")).toHaveText("Copied to the clipboard.");
  return page.evaluate(() => navigator.clipboard.readText());
}

/**
 * One operator with an agent per case, signed in once: the cases run in sequence on one page (one
 * context, one sign-in) and each rotates its own agent. Cancel comes first (it asserts no timer on
 * the page), the reloads last (the guard's case leaves a dialog handler behind).
 */
test("the reveal dialog: Cancel rotates nothing; the key masked, shown, copied; closing asks until it was secured; the beforeunload guard; no key left after a reload", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  // Six tests merged: their budget is the sum of theirs.
  test.setTimeout(6 * 45_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { faucet, agents } = await signInFreshOperator(page, request, baseURL, "Reveal Dialog Operator", {
    via: "http",
    agentNames: ["Kept Bot", "Masked Bot", "Careful Bot", "Shown Bot", "Copied Bot", "Traced Bot", "Guarded Bot"],
  });
  const agentNamed = (name: string) => {
    const agent = agents.find((candidate) => candidate.name === name);
    if (!agent) throw new Error(`no agent ${name}`);
    return agent;
  };

  await test.step("the confirmation states the consequence, and Cancel rotates nothing", async () => {
    const agent = agentNamed("Kept Bot");
    await page.getByRole("button", { name: `Rotate key for ${agent.name}` }).click();
    const confirm = page.getByRole("alertdialog", { name: `Rotate key for ${agent.name}?` });
    await expect(confirm).toContainText("The current key of Kept Bot stops working immediately");
    await expect(confirm).toContainText("withdrawals for this agent are locked for 30 minutes");
    await expect(confirm.getByRole("button", { name: "Rotate key" })).toBeVisible();
    await confirm.getByRole("button", { name: "Cancel" }).click();

    await expect(confirm).toBeHidden();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("timer")).toHaveCount(0);
    expect(await faucet.whoami(agent.key)).toMatchObject({ success: true, type: "agent", id: agent.id });
  });

  await test.step("the new key is masked until shown; Show toggles it, Copy copies it, and only the new key works", async () => {
    const agent = agentNamed("Masked Bot");
    const reveal = await rotateAgent(page, agent.name);

    const hidden = reveal.getByLabel("New API key, hidden");
    await expect(hidden).toHaveText(/^agent_•+[0-9a-f]{4}$/);
    const copied = await copyKey(page, agent.name);
    expect(copied).toMatch(/^agent_[0-9a-f]{32}$/);
    const masked = (await hidden.textContent()) ?? "";
    expect(masked).not.toContain(copied);
    expect(masked).not.toContain(copied.slice(6, -4));
    expect(masked.endsWith(copied.slice(-4))).toBe(true);

    await reveal.getByRole("button", { name: "Show key" }).click();
    await expect(reveal.getByLabel("New API key", { exact: true })).toHaveText(copied);
    await expect(reveal.getByRole("button", { name: "Hide key" })).toHaveAttribute("aria-pressed", "true");
    await reveal.getByRole("button", { name: "Hide key" }).click();
    await expect(hidden).toHaveText(masked);

    expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");
    expect(await faucet.whoami(copied)).toMatchObject({ success: true, type: "agent", id: agent.id });
    // The key was copied, so Done closes at once (the next cases need the page free of the dialog).
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(reveal).toBeHidden();
  });

  await test.step("closing before the key was copied or shown asks first, by Done, Escape and an outside click", async () => {
    const reveal = await rotateAgent(page, agentNamed("Careful Bot").name);
    const question = page.getByRole("alertdialog", { name: CLOSE_QUESTION });

    const attempts: [string, () => Promise<void>][] = [
      ["Done", () => reveal.getByRole("button", { name: "Done" }).click()],
      ["Escape", () => page.keyboard.press("Escape")],
      // The overlay's corner: outside the dialog's content.
      ["outside click", () => page.mouse.click(5, 5)],
    ];
    for (const [how, attempt] of attempts) {
      await attempt();
      await expect(question, `asked after ${how}`).toBeVisible();
      await expect(question).toContainText("It will never be shown again");
      await question.getByRole("button", { name: "Keep it open" }).click();
      await expect(question).toBeHidden();
      await expect(reveal, `still open after ${how} and Keep it open`).toBeVisible();
    }

    await reveal.getByRole("button", { name: "Done" }).click();
    await question.getByRole("button", { name: "Close anyway" }).click();
    await expect(reveal).toBeHidden();
    await expect(question).toBeHidden();
  });

  await test.step("once the key was shown, or copied, Done closes at once", async () => {
    const [shownAgent, copiedAgent] = [agentNamed("Shown Bot"), agentNamed("Copied Bot")];

    const shown = await rotateAgent(page, shownAgent.name);
    await readRevealedKey(page);
    await shown.getByRole("button", { name: "Done" }).click();
    await expect(shown).toBeHidden();
    await expect(page.getByRole("alertdialog")).toHaveCount(0);

    const copied = await rotateAgent(page, copiedAgent.name);
    await copyKey(page, copiedAgent.name);
    await copied.getByRole("button", { name: "Done" }).click();
    await expect(copied).toBeHidden();
    await expect(page.getByRole("alertdialog")).toHaveCount(0);
  });

  await test.step("after the reveal closes and the page reloads, the key is nowhere but the timer and fingerprint remain", async () => {
    const agent = agentNamed("Traced Bot");
    const reveal = await rotateAgent(page, agent.name);
    const key = await copyKey(page, agent.name);
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(reveal).toBeHidden();

    await page.reload();
    const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: agent.name }) });
    await expect(row.getByRole("timer")).toHaveText(/^Withdrawals locked (30:00|29:[0-5]\d)$/);
    await expect(row).toContainText(`agent_…${key.slice(-4)}`);
    await expectKeyNowhere(page, context, key);
  });

  await test.step("a beforeunload guard holds the page while the key is shown, and is gone once it closes", async () => {
    const reveal = await rotateAgent(page, agentNamed("Guarded Bot").name);
    await readRevealedKey(page);

    // Declining the browser's "Leave site?" keeps the page, and the key with it.
    const prompt = page.waitForEvent("dialog");
    void page.evaluate(() => location.reload()).catch(() => undefined);
    const guard = await prompt;
    expect(guard.type()).toBe("beforeunload");
    await guard.dismiss();
    await expect(reveal).toBeVisible();

    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(reveal).toBeHidden();
    const prompts: string[] = [];
    page.on("dialog", (dialog) => {
      prompts.push(dialog.type());
      void dialog.accept();
    });
    await page.reload();
    await expect(page.getByRole("rowheader", { name: "Guarded Bot" })).toBeVisible();
    expect(prompts).toEqual([]);
  });
});
