/**
 * Request body caps, applied by proxy.ts before any session, store or action is reached.
 *
 * The largest real server action is createAgent with the dialog's fields at their
 * maxLength (name 200, description 1,000, budget 200 characters): 7,442 bytes when every
 * character is one JSON escapes to six bytes (measured with React's own encodeReply), 161
 * for a rotation. 16 KB leaves twice that; next.config.ts gives Next.js the same limit.
 * The bulk routes cap their JSON at 16 KB themselves (lib/http/json-action-route.ts).
 */
export const ACTION_BODY_MAX_BYTES = 16 * 1024;

/** Any other request with a body (route handlers, the demo faucet endpoint): refused by its declared length alone. */
export const REQUEST_BODY_MAX_BYTES = 64 * 1024;
