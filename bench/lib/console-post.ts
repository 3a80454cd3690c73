/** A JSON POST to one of the console's routes as its own page sends it (Origin, session cookie); non-200 throws. */
export function consolePost(consoleUrl: string, cookie: string) {
  return async (route: string, data: object) => {
    const response = await fetch(`${consoleUrl}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: consoleUrl, cookie },
      body: JSON.stringify(data),
    });
    if (response.status !== 200) throw new Error(`${route} answered HTTP ${response.status}`);
    return (await response.json()) as { ok: boolean; data?: Record<string, unknown> };
  };
}
