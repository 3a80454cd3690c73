/**
 * Runs once when a server starts: a bad configuration stops start-up with a clear
 * message instead of failing on the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkConfiguration } = await import("./lib/config/check-configuration");
  checkConfiguration();
}
