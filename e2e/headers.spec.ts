import { expect, test, type APIResponse } from "@playwright/test";
import { FaucetApi } from "./support/faucet-api";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * The response headers of SECURITY.md on the embedded console (`next start`, so
 * production), the nonce that makes the CSP work, and the session cookie's attributes.
 */

type Directives = Map<string, string[]>;

function directivesOf(response: APIResponse): Directives {
  const header = response.headers()["content-security-policy"] ?? "";
  const directives: Directives = new Map();
  for (const part of header.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

function nonceOf(directives: Directives): string {
  const token = (directives.get("script-src") ?? []).find((source) => source.startsWith("'nonce-"));
  expect(token, "script-src carries a nonce").toBeDefined();
  return (token ?? "").slice("'nonce-".length, -1);
}

function expectSecurityHeaders(response: APIResponse, label: string) {
  const headers = response.headers();
  const csp = directivesOf(response);
  const scriptSrc = csp.get("script-src") ?? [];
  expect(scriptSrc, `${label}: script-src`).toContain("'strict-dynamic'");
  expect(nonceOf(csp)).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
  expect(
    scriptSrc.filter((source) => source === "'unsafe-inline'" || source === "'unsafe-eval'"),
    `${label}: no unsafe script sources`,
  ).toEqual([]);
  expect(csp.get("object-src"), `${label}: object-src`).toEqual(["'none'"]);
  expect(csp.get("base-uri"), `${label}: base-uri`).toEqual(["'self'"]);
  expect(csp.get("form-action"), `${label}: form-action`).toEqual(["'self'"]);
  expect(csp.get("frame-ancestors"), `${label}: frame-ancestors`).toEqual(["'none'"]);
  expect(headers["referrer-policy"], `${label}: Referrer-Policy`).toBe("strict-origin-when-cross-origin");
  expect(headers["x-content-type-options"], `${label}: X-Content-Type-Options`).toBe("nosniff");
  const hsts = /max-age=(\d+)/.exec(headers["strict-transport-security"] ?? "");
  expect(Number(hsts?.[1] ?? 0), `${label}: HSTS of a year or more`).toBeGreaterThanOrEqual(365 * 24 * 60 * 60);
  expect(headers["cache-control"] ?? "", `${label}: Cache-Control`).toMatch(/(^|,\s*)no-store(\s*,|$)/);
}

// One page for the headers, the robots meta and the session cookie: the form sign-in's session serves the
// /agents and /api/agents requests, so no second operator, context or sign-in.
test("the sign-in page, /agents and /api/agents carry a nonce-based CSP, the other headers and no-store; robots.txt and the robots meta say noindex; the session cookie is __Host-fc_session: HttpOnly, SameSite=Lax, Secure, Path=/, no Domain, 12 hours", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  await test.step("the sign-in page carries a nonce-based CSP, the other headers and no-store; the nonce is fresh per request", async () => {
    const signInPage = await request.get("/");
    expect(signInPage.status()).toBe(200);
    expectSecurityHeaders(signInPage, "sign-in page");
    // Every script the server sends carries this response's nonce, or the page would not run.
    const nonce = nonceOf(directivesOf(signInPage));
    const scripts = (await signInPage.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    expect(nonceOf(directivesOf(await request.get("/")))).not.toBe(nonce);
  });

  await test.step("robots.txt disallows every path and the pages carry a noindex, nofollow robots meta", async () => {
    const robots = await request.get("/robots.txt");
    expect(robots.status()).toBe(200);
    const rules = (await robots.text())
      .split("\n")
      .map((line) => line.replace(/#.*/, "").trim())
      .filter(Boolean);
    expect(rules).toEqual(["User-agent: *", "Disallow: /"]);

    await page.goto("/");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex, nofollow");
  });

  await test.step("the session cookie is __Host-fc_session: HttpOnly, SameSite=Lax, Secure, Path=/, no Domain, and lasts 12 hours", async () => {
    const { operatorKey } = await new FaucetApi(request, `${baseURL}/ai-agents/api`).newOperator("Cookie Operator");
    await page.getByLabel("Operator API key").fill(operatorKey);
    const signInResponse = page.waitForResponse(
      (response) => response.request().method() === "POST" && response.url() === `${baseURL}/`,
    );
    await page.getByRole("button", { name: "Sign in" }).click();
    const setCookie = (await (await signInResponse).headerValue("set-cookie")) ?? "";
    await expect(page).toHaveURL(/\/agents/);

    const attributes = setCookie.split(";").map((part) => part.trim());
    expect(attributes[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=\\S{100,}`));
    const lower = attributes.slice(1).map((attribute) => attribute.toLowerCase());
    expect(lower).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "secure", "path=/", "max-age=43200"]));
    expect(lower.filter((attribute) => attribute.startsWith("domain="))).toEqual([]);

    const cookie = (await context.cookies()).find((entry) => entry.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: true, path: "/", domain: "127.0.0.1" });
    const hoursLeft = ((cookie?.expires ?? 0) - Date.now() / 1000) / 3600;
    expect(hoursLeft).toBeGreaterThan(11.9);
    expect(hoursLeft).toBeLessThanOrEqual(12);
  });

  await test.step("/agents and /api/agents carry the same headers", async () => {
    for (const path of ["/agents", "/api/agents?offset=0&limit=50"]) {
      const response = await page.request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(200);
      expectSecurityHeaders(response, path);
    }
  });
});

test("an injected inline script or handler does not run and is reported; the page's own scripts do", async ({
  page,
}) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) =>
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
    );
  });
  // What a stored XSS in the server's HTML would look like, beside a script that knows this response's nonce.
  await page.route("**/", async (route) => {
    const response = await route.fetch();
    const nonce = /'nonce-([^']+)'/.exec(response.headers()["content-security-policy"] ?? "")?.[1] ?? "missing";
    const injected = `<script>window.injected = "ran"</script><script nonce="${nonce}">window.trusted = "ran"</script></body>`;
    await route.fulfill({ response, body: (await response.text()).replace("</body>", injected) });
  });
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();

  // Markup injected into the live DOM: its inline handler is blocked too. (A script element created by
  // running code is not tested: 'strict-dynamic' trusts what trusted scripts insert, by design.)
  await page.evaluate(() => {
    const holder = document.createElement("div");
    holder.innerHTML = '<img src="/missing-image.png" onerror="window.handler = 1" alt="">';
    document.body.append(holder);
  });

  const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  await expect.poll(violations).toEqual(expect.arrayContaining(["script-src-elem inline", "script-src-attr inline"]));
  const flags = await page.evaluate(() => {
    const seen = window as unknown as Record<string, unknown>;
    return { injected: seen.injected, handler: seen.handler, trusted: seen.trusted, nextRuntime: typeof seen.next };
  });
  expect(flags).toEqual({ injected: undefined, handler: undefined, trusted: "ran", nextRuntime: "object" });
});
