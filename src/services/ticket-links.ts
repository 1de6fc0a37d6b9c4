// Ticket links of a connection: the persistent (source ticket, target ticket) pairs. Linking by
// hand pairs two tickets that already exist; unlinking keeps the row for history and stops the
// pair from syncing. Bulk linking by a matching field reads the platforms and is the engine's.
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { ticketLinks } from "../db/schema";
import { newId } from "../lib/ids";
import { fitsLikePattern, likeContaining, SEARCH_TOO_LONG } from "../lib/like-pattern";
import { nowIso } from "../lib/time";
import { pageOf, type Page, type PageRequest } from "../lib/pagination";
import { ApiError, notFound } from "../api/error-codes";
import { scopeOf, type OrgScope, type Principal } from "../auth/principal";
import type { BulkLinkResult, CreateLinkInput, TicketLinkView } from "../schemas/connection-views";
import { linkByPartnerReference } from "../sync/engine/link-existing";
import { auditEntry } from "./audit";
import { connectionAudit, findVisibleConnection } from "./connections";
import type { AccountDeps } from "./platform-accounts";

type LinkRow = typeof ticketLinks.$inferSelect;

function view(row: LinkRow): TicketLinkView {
  return {
    id: row.id,
    connectionId: row.connectionId,
    sourceTicketId: row.sourceTicketId,
    targetTicketId: row.targetTicketId,
    sourceNumber: row.sourceNumber,
    targetNumber: row.targetNumber,
    originSide: row.originSide,
    state: row.state,
    lastSyncedAt: row.lastSyncedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listLinks(
  db: Db,
  scope: OrgScope,
  connectionId: string,
  page: PageRequest & { q?: string | undefined; state?: LinkRow["state"] | undefined },
): Promise<Page<TicketLinkView>> {
  await findVisibleConnection(db, scope, connectionId);
  // The schemas cap the search; a caller that skipped them gets a 400, not D1's error (a 500).
  if (page.q && !fitsLikePattern(page.q)) throw new ApiError("invalid_input", `The search ${SEARCH_TOO_LONG}.`, { fields: [{ path: "q", message: SEARCH_TOO_LONG }] });
  const pattern = page.q ? likeContaining(page.q) : null;
  // drizzle's `like` has no ESCAPE clause, and SQLite's LIKE has no default escape character.
  const matches = (column: AnySQLiteColumn) => sql`${column} LIKE ${pattern} ESCAPE '\\'`;
  const rows = await db
    .select()
    .from(ticketLinks)
    .where(
      and(
        eq(ticketLinks.connectionId, connectionId),
        page.state ? eq(ticketLinks.state, page.state) : undefined,
        pattern
          ? or(matches(ticketLinks.sourceTicketId), matches(ticketLinks.targetTicketId), matches(ticketLinks.sourceNumber), matches(ticketLinks.targetNumber))
          : undefined,
        page.cursor ? lt(ticketLinks.id, page.cursor) : undefined,
      ),
    )
    .orderBy(desc(ticketLinks.id))
    .limit(page.limit + 1);
  return pageOf(rows, page.limit, view);
}

export async function createLink(db: Db, actor: Principal, connectionId: string, input: CreateLinkInput, ip?: string | null): Promise<TicketLinkView> {
  const visible = await findVisibleConnection(db, scopeOf(actor), connectionId);
  if (visible.row.status === "pending") throw new ApiError("conflict", "The partner has not accepted this connection yet: there is no target to link to.");
  const holdsEither = or(eq(ticketLinks.sourceTicketId, input.sourceTicketId), eq(ticketLinks.targetTicketId, input.targetTicketId));
  const existing = await db.select().from(ticketLinks).where(and(eq(ticketLinks.connectionId, connectionId), holdsEither));
  const active = existing.find((l) => l.state !== "unlinked");
  if (active) {
    const which = active.sourceTicketId === input.sourceTicketId ? `Source ticket ${input.sourceTicketId}` : `Target ticket ${input.targetTicketId}`;
    throw new ApiError("conflict", `${which} is already linked in this connection (${active.sourceNumber ?? active.sourceTicketId} ↔ ${active.targetNumber ?? active.targetTicketId}). Unlink it first.`, { linkId: active.id });
  }
  const now = nowIso();
  const audit = (details: Record<string, unknown>, id: string) =>
    connectionAudit(db, actor, visible.orgIds, { action: "ticket_link.created", targetType: "ticket_link", targetId: id, details: { connectionId, ...details } }, ip);
  const pair = { sourceTicketId: input.sourceTicketId, targetTicketId: input.targetTicketId };
  // The same pair unlinked before is linked again, keeping what it synced (comments, files).
  const same = existing.find((l) => l.sourceTicketId === input.sourceTicketId && l.targetTicketId === input.targetTicketId);
  if (same) {
    const changes = {
      state: "linked" as const,
      sourceNumber: input.sourceNumber ?? same.sourceNumber,
      targetNumber: input.targetNumber ?? same.targetNumber,
      updatedAt: now,
    };
    await db.batch([db.update(ticketLinks).set(changes).where(eq(ticketLinks.id, same.id)), ...audit({ ...pair, relinked: true }, same.id)]);
    return view({ ...same, ...changes });
  }
  const row: LinkRow = {
    id: newId("lnk"),
    connectionId,
    ...pair,
    sourceNumber: input.sourceNumber ?? null,
    targetNumber: input.targetNumber ?? null,
    originSide: "source",
    state: "linked",
    sourceHash: null,
    targetHash: null,
    syncedValues: "{}",
    lastSyncedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  // An old unlinked pair holding one of these tickets gives way; the audit log keeps its record.
  const replaced = existing.map((l) => ({ id: l.id, sourceTicketId: l.sourceTicketId, targetTicketId: l.targetTicketId }));
  await db.batch([
    db.delete(ticketLinks).where(and(eq(ticketLinks.connectionId, connectionId), eq(ticketLinks.state, "unlinked"), holdsEither)),
    db.insert(ticketLinks).values(row),
    ...audit({ ...pair, replacedUnlinked: replaced.length ? replaced : undefined }, row.id),
  ]);
  return view(row);
}

/** Unlinks one pair; answers its connection, for the page to go back to. */
export async function unlink(db: Db, actor: Principal, linkId: string, ip?: string | null): Promise<{ connectionId: string }> {
  const [row] = await db.select().from(ticketLinks).where(eq(ticketLinks.id, linkId)).limit(1);
  if (!row) throw notFound("Ticket link");
  const visible = await findVisibleConnection(db, scopeOf(actor), row.connectionId).catch(() => {
    throw notFound("Ticket link");
  });
  if (row.state === "unlinked") return { connectionId: row.connectionId };
  await db.batch([
    db.update(ticketLinks).set({ state: "unlinked", updatedAt: nowIso() }).where(eq(ticketLinks.id, linkId)),
    ...connectionAudit(
      db,
      actor,
      visible.orgIds,
      {
        action: "ticket_link.unlinked",
        targetType: "ticket_link",
        targetId: linkId,
        details: { connectionId: row.connectionId, sourceTicketId: row.sourceTicketId, targetTicketId: row.targetTicketId },
      },
      ip,
    ),
  ]);
  return { connectionId: row.connectionId };
}

/** Links existing tickets in bulk: every pair whose partner reference names the other's number. */
export async function bulkLink(deps: AccountDeps, actor: Principal, connectionId: string, since: string, ip?: string | null): Promise<BulkLinkResult> {
  const visible = await findVisibleConnection(deps.db, scopeOf(actor), connectionId);
  if (visible.row.status === "pending") throw new ApiError("conflict", "The partner has not accepted this connection yet.");
  const result = await linkByPartnerReference(deps, connectionId, since);
  await auditEntry(deps.db, actor, { action: "links.bulk_linked", targetType: "connection", targetId: connectionId, details: { since, ...result } }, ip).run();
  return result;
}
