import { z } from "zod";
import { ConfigError } from "./config-error";

/**
 * CONSOLE_ORIGIN: the console's public origin (`https://console.example.com`), as browsers
 * address it. When set, an action's or JSON route's Origin must equal it exactly, whatever
 * Host or X-Forwarded-Host say. Only an origin: a path, query or credentials would mean the
 * value is not what its name says, so start-up refuses it.
 */
const consoleOriginSchema = z
  .string()
  .trim()
  .transform((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: "custom", message: `CONSOLE_ORIGIN must be an origin such as https://console.example.com; got "${value}".` });
      return z.NEVER;
    }
    const bare = (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash && !url.username && !url.password && !value.endsWith("?") && !value.endsWith("#");
    if ((url.protocol !== "https:" && url.protocol !== "http:") || !bare) {
      context.addIssue({ code: "custom", message: `CONSOLE_ORIGIN must be an origin only (http(s)://host[:port], no path, query or credentials); got "${url.protocol === "https:" || url.protocol === "http:" ? url.origin + url.pathname : url.protocol}".` });
      return z.NEVER;
    }
    return url.origin;
  });

export function readConsoleOrigin(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const raw = env.CONSOLE_ORIGIN;
  if (raw === undefined || raw.trim() === "") return null;
  const parsed = consoleOriginSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues[0]?.message ?? "CONSOLE_ORIGIN must be an origin such as https://console.example.com.");
  return parsed.data;
}
