// Ticket links in D1, as the engine reads and writes them.
import { and, eq, inArray, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ticketLinks } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import type { LinkState, SyncedValues } from "./types";

/** D1 allows 100 bound parameters per statement: keep IN lists well under it. */
const CHUNK = 80;

type LinkRow = typeof ticketLinks.$inferSelect;

export function toLinkState(row: LinkRow): LinkState {
  return {
    id: row.id,
    state: row.state,
    originSide: row.originSide,
    sourceTicketId: row.sourceTicketId,
    targetTicketId: row.targetTicketId,
    sourceNumber: row.sourceNumber,
    targetNumber: row.targetNumber,
    synced: JSON.parse(row.syncedValues) as SyncedValues,
  };
}

export async function loadLinks(db: Db, connectionId: string, ids: { source: string[]; target: string[] }): Promise<LinkState[]> {
  const found = new Map<string, LinkState>();
  for (const side of ["source", "target"] as const) {
    const column = side === "source" ? ticketLinks.sourceTicketId : ticketLinks.targetTicketId;
    for (const chunk of chunks([...new Set(ids[side])], CHUNK)) {
      const rows = await db
        .select()
        .from(ticketLinks)
        .where(and(eq(ticketLinks.connectionId, connectionId), inArray(column, chunk)));
      for (const row of rows) found.set(row.id, toLinkState(row));
    }
  }
  return [...found.values()];
}

export async function findLinkByTicket(db: Db, connectionId: string, side: "source" | "target", ticketId: string): Promise<LinkState | null> {
  const column = side === "source" ? ticketLinks.sourceTicketId : ticketLinks.targetTicketId;
  const [row] = await db.select().from(ticketLinks).where(and(eq(ticketLinks.connectionId, connectionId), eq(column, ticketId))).limit(1);
  return row ? toLinkState(row) : null;
}

export function linkWhere(connectionId: string, sourceId: string | null, targetId: string | null) {
  return and(
    eq(ticketLinks.connectionId, connectionId),
    or(sourceId ? eq(ticketLinks.sourceTicketId, sourceId) : undefined, targetId ? eq(ticketLinks.targetTicketId, targetId) : undefined),
  );
}

export async function findLinkById(db: Db, id: string): Promise<LinkState | null> {
  const [row] = await db.select().from(ticketLinks).where(eq(ticketLinks.id, id)).limit(1);
  return row && row.state === "linked" ? toLinkState(row) : null;
}
