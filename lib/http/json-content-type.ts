/**
 * True for `application/json`, with or without parameters: the one body type our JSON
 * endpoints take, which a cross-site page cannot send without a CORS preflight the console
 * never grants (a form or a `text/plain` fetch from another site is refused).
 */
export function isJsonContentType(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}
