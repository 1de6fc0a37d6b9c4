// What an organisation may see of its partner's platform: the values it maps its own to
// (statuses, priorities, ticket types, custom field definitions) and nothing of the partner's
// customers, people or structure (companies, members, work roles, boards, note types).
import type { Picklists } from "../connectors/canonical";

/** The partner's lists that stay with the partner. */
export const WITHHELD_FROM_PARTNER = ["queues", "companies", "noteTypes", "members", "workRoles"] as const satisfies readonly (keyof Picklists)[];

export function partnerPicklists(picklists: Picklists): Picklists {
  // A status keeps its board's id (statuses of the same name on two ConnectWise boards stay
  // apart); the board's name stays with the partner.
  const shown = { ...picklists };
  for (const list of WITHHELD_FROM_PARTNER) shown[list] = [];
  return shown;
}
