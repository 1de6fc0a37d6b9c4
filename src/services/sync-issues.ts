// Open per-ticket problems across runs: what failed, how often, and the advice. Retrying asks the
// connection's Durable Object for a run, which re-reads every ticket whose sync failed.
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { connections, connectionSides, syncIssues } from "../db/schema";
import { notFound } from "../api/error-codes";
import { scopeOf, type OrgScope, type Principal } from "../auth/principal";
import { pageOf } from "../lib/pagination";
import { nowIso } from "../lib/time";
import { SYNC_ERRORS, type SyncErrorCode } from "../sync/engine/sync-errors";
import { connectionAudit, findVisibleConnection } from "./connections";
import { startRun } from "./runs";

/** The connections one of whose sides is the organisation's, as a subquery (no id list to bind). */
function visibleConnectionIds(db: Db, scope: OrgScope) {
  return db.select({ id: connectionSides.connectionId }).from(connectionSides).where(eq(connectionSides.orgId, scope.orgId));
}

function view(row: typeof syncIssues.$inferSelect) {
  return { ...row, advice: row.errorCode in SYNC_ERRORS ? SYNC_ERRORS[row.errorCode as SyncErrorCode].advice : null };
}

export async function listIssues(db: Db, scope: OrgScope, query: { status: "open" | "resolved"; connectionId?: string | undefined; limit: number; cursor?: string | undefined }) {
  const connection = query.connectionId ? eq(syncIssues.connectionId, (await findVisibleConnection(db, scope, query.connectionId)).row.id) : inArray(syncIssues.connectionId, visibleConnectionIds(db, scope));
  const rows = await db
    .select()
    .from(syncIssues)
    .where(and(connection, eq(syncIssues.status, query.status), query.cursor ? lt(syncIssues.id, query.cursor) : undefined))
    .orderBy(desc(syncIssues.id))
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, view);
}

async function visibleIssue(db: Db, scope: OrgScope, id: string) {
  const [row] = await db.select().from(syncIssues).where(eq(syncIssues.id, id)).limit(1);
  if (!row) throw notFound("Issue");
  const visible = await findVisibleConnection(db, scope, row.connectionId).catch(() => {
    throw notFound("Issue");
  });
  return { row, visible };
}

export async function getIssue(db: Db, scope: OrgScope, id: string) {
  return view((await visibleIssue(db, scope, id)).row);
}

export async function resolveIssue(db: Db, actor: Principal, id: string, ip?: string | null) {
  const { row, visible } = await visibleIssue(db, scopeOf(actor), id);
  const now = nowIso();
  await db.batch([
    db.update(syncIssues).set({ status: "resolved", resolvedAt: now, resolvedBy: actor.userEmail, updatedAt: now }).where(eq(syncIssues.id, id)),
    ...connectionAudit(db, actor, visible.orgIds, { action: "issue.resolved", targetType: "issue", targetId: id, details: { ticket: row.ticketNumber, code: row.errorCode } }, ip),
  ]);
  return view({ ...row, status: "resolved", resolvedAt: now, resolvedBy: actor.userEmail, updatedAt: now });
}

/** Retries by running the connection: failed tickets are re-read by id on every run until they pass. */
export async function retryIssue(env: Env, db: Db, actor: Principal, id: string, ip?: string | null) {
  const { row } = await visibleIssue(db, scopeOf(actor), id);
  const [connection] = await db.select({ id: connections.id }).from(connections).where(eq(connections.id, row.connectionId));
  return { ...(await startRun(env, db, actor, connection!.id, { mode: "quick", dryRun: false }, ip)), connectionId: row.connectionId };
}

/** Retries every open issue of a connection at once: one run re-reads every ticket that failed. */
export async function retryConnectionIssues(env: Env, db: Db, actor: Principal, connectionId: string, ip?: string | null) {
  await findVisibleConnection(db, scopeOf(actor), connectionId);
  return startRun(env, db, actor, connectionId, { mode: "quick", dryRun: false }, ip);
}
