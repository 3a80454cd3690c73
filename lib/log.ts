/**
 * The console's only logger. Anything shaped like a faucet key is redacted before it is
 * written, so a key that slips into an error message still never reaches the log.
 * Never pass cookies or request bodies here.
 */
const KEY_PATTERN = /\b(lf|agent)_[A-Za-z0-9_-]{4,}/g;

export function redactKeys(text: string): string {
  return text.replace(KEY_PATTERN, (_match, prefix: string) => `${prefix}_[redacted]`);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export const log = {
  info(message: string): void {
    console.info(redactKeys(`[console] ${message}`));
  },
  warn(message: string, error?: unknown): void {
    console.warn(redactKeys(`[console] ${message}${error === undefined ? "" : ` (${describe(error)})`}`));
  },
  error(message: string, error?: unknown): void {
    console.error(redactKeys(`[console] ${message}${error === undefined ? "" : ` (${describe(error)})`}`));
  },
};
