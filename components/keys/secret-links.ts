import type { HandoffLinkParts } from "./rotation-target";

/**
 * The console's single-use links. The token only ever sits in the fragment, which no browser
 * sends to a server; built in the tab, with the tab's origin.
 */

/** `<console>/handoff/<id>#<token>`: a hand-off's link. */
export function handoffLink(origin: string, handoff: HandoffLinkParts): string {
  return `${origin}/handoff/${handoff.id}#${handoff.token}`;
}

/** `<console>/hosts/enrol/<id>#<token>`: a host's enrolment link. */
export function enrolmentLink(origin: string, enrolment: { id: string; token: string }): string {
  return `${origin}/hosts/enrol/${enrolment.id}#${enrolment.token}`;
}
