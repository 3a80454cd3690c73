/** The session cookie's name in the production builds every e2e run serves (see lib/session/session-seal.ts). */
export const SESSION_COOKIE = "__Host-fc_session";
