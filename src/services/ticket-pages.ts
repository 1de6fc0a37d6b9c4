// Links to a ticket's own page on its platform, for run details and links lists. Only the
// caller's own sides get a link: the partner's account (and so its base URL) never leaves the
// partner's organisation.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { platformAccounts, ticketLinks } from "../db/schema";
import { chunks } from "../lib/chunks";
import { connectorFor } from "../connectors/registry";
import { TYPES_KEY } from "../sync/engine/plan-changes";
import type { VisibleConnection } from "./connections";

type Side = "source" | "target";
export type TicketRef = { side: Side; id: string | null; number: string | null; linkId: string | null };
export type TicketPageLinker = (ref: TicketRef) => string | null;

/**
 * Resolves, once per page, what a ticket URL needs: each own side's platform and base URL, and
 * which ticket type each linked ticket is (the URL names the table on some platforms).
 */
export async function ticketPageLinker(db: Db, visible: VisibleConnection, linkIds: (string | null)[]): Promise<TicketPageLinker> {
  const accounts = new Map<Side, { platform: string; baseUrl: string; defaultType: string }>();
  for (const side of visible.sides) {
    if (!visible.mySides.includes(side.side) || !side.platformAccountId) continue;
    const [account] = await db
      .select({ platform: platformAccounts.platform, baseUrl: platformAccounts.baseUrl, settings: platformAccounts.settings })
      .from(platformAccounts)
      .where(eq(platformAccounts.id, side.platformAccountId));
    if (!account) continue;
    const types = (JSON.parse(account.settings) as { ticketTypes?: unknown }).ticketTypes;
    const defaultType = Array.isArray(types) && typeof types[0] === "string" ? types[0] : "ticket";
    accounts.set(side.side, { platform: account.platform, baseUrl: account.baseUrl, defaultType });
  }
  const typesByLink = new Map<string, Partial<Record<Side, string | null>>>();
  const ids = [...new Set(linkIds.filter((id): id is string => id !== null))];
  for (const chunk of chunks(ids, 80)) {
    const rows = await db.select({ id: ticketLinks.id, synced: ticketLinks.syncedValues }).from(ticketLinks).where(inArray(ticketLinks.id, chunk));
    for (const row of rows) {
      const types = (JSON.parse(row.synced) as Record<string, Partial<Record<Side, string | null>>>)[TYPES_KEY];
      if (types) typesByLink.set(row.id, types);
    }
  }
  return ({ side, id, number, linkId }) => {
    const account = accounts.get(side);
    const connector = account ? connectorFor(account.platform) : null;
    if (!account || !connector || !id) return null;
    const ticketType = (linkId ? typesByLink.get(linkId)?.[side] : null) ?? account.defaultType;
    return connector.facts.ticketUrl(account.baseUrl, { id, ticketType, number: number ?? id });
  };
}
