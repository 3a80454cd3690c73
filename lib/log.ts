/**
 * The console's only logger. Anything shaped like a faucet key is redacted before it is
 * written, so a key that slips into an error message still never reaches the log.
 * Never pass cookies or request bodies here.
 */

/**
 * A key by its prefix. It starts a word, or follows a percent-escape: in `%22lf_…` (a
 * URL-encoded quote) the "2" before "lf" would defeat a plain word boundary.
 */
const KEY_PATTERN = /(^|[^A-Za-z0-9_]|%[0-9A-Fa-f]{2})(lf|agent)_[A-Za-z0-9_-]{4,}/g;

/**
 * Any long value in a field named like a secret (api_key, operatorKey, x-api-key,
 * Authorization: Bearer …, token, password, recovery_code), raw, JSON or URL-encoded,
 * whatever its prefix. Values under 12 characters are left: no key is that short, and
 * "key: timeout" in a message stays readable.
 */
const SEPARATOR = String.raw`(?:\\?["']|%22)?\s*(?::|=|%3A|%3D)\s*(?:\\?["']|%22)?\s*(?:Bearer(?:\s+|%20|\+))?`;
const FIELD_PATTERN = new RegExp(
  String.raw`((?:^|[^A-Za-z0-9])[A-Za-z0-9_-]*(?:key|secret|token|password|authorization|recovery_code)${SEPARATOR})((?:%(?!22|26|2C|7D|20)[0-9A-Fa-f]{2}|[A-Za-z0-9._~+/=-]){12,})`,
  "gi",
);

export function redactKeys(text: string): string {
  return text
    .replace(FIELD_PATTERN, (_match, field: string) => `${field}[redacted]`)
    .replace(KEY_PATTERN, (_match, before: string, prefix: string) => `${before}${prefix}_[redacted]`);
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
