/**
 * A strict, nonce-based policy: only scripts carrying this response's nonce (and what they
 * load) run, so an injected inline script does not. Styles allow inline attributes because
 * the dialog and virtualiser position elements with style attributes.
 */
export function contentSecurityPolicy(nonce: string, { development }: { development: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build needs eval for its debugging features; production never gets it.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
