import { gzipSync } from "node:zlib";

export type FirstLoadJs = { scripts: number; rawBytes: number; gzipBytes: number };

/**
 * The JavaScript a first visit downloads: every <script src> in the page's HTML, fetched
 * and gzipped here (level 6, the same for both apps), summed. Inline scripts (React's
 * flight data) are page data, not code, and are left out for both apps alike.
 */
export async function measureFirstLoadJs(pageUrl: string, cookie?: string): Promise<FirstLoadJs> {
  const response = await fetch(pageUrl, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  if (response.status !== 200) throw new Error(`${pageUrl} answered HTTP ${response.status}`);
  const html = await response.text();
  const sources = new Set([...html.matchAll(/<script\b[^>]*?\ssrc="([^"]+)"/g)].map((match) => match[1] ?? ""));
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const source of sources) {
    const script = await fetch(new URL(source.replaceAll("&amp;", "&"), pageUrl));
    if (!script.ok) throw new Error(`${source} answered HTTP ${script.status}`);
    const bytes = Buffer.from(await script.arrayBuffer());
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 6 }).length;
  }
  if (sources.size === 0) throw new Error(`${pageUrl} references no scripts`);
  return { scripts: sources.size, rawBytes, gzipBytes };
}
