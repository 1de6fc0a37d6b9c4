// Sync runs as the API and pages show them, and asking a connection's Durable Object for one.
import { and, desc, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { connectionSides, runItems, syncRuns } from "../db/schema";
import { findVisibleConnection, refuseEnded } from "./connections";
import { ticketPageLinker } from "./ticket-pages";
import { ApiError, notFound } from "../api/error-codes";
import type { OrgScope, Principal } from "../auth/principal";
import { pageOf } from "../lib/pagination";
import { SYNC_ERRORS, type SyncErrorCode } from "../sync/engine/sync-errors";
import { connectionSyncStub, type RunAnswer } from "../sync/connection-sync";
import { auditEntry } from "./audit";
import { storedRunScope } from "../schemas/run-scope";

const adviceFor = (code: string | null) => (code && code in SYNC_ERRORS ? SYNC_ERRORS[code as SyncErrorCode].advice : null);

/** The connection if the caller's organisation may see it, else 404 (one rule: services/connections). */
export async function visibleConnection(db: Db, scope: OrgScope, connectionId: string) {
  const { row } = await findVisibleConnection(db, scope, connectionId);
  return row;
}

function runView(row: typeof syncRuns.$inferSelect) {
  const { since: _since, requestedBy: _by, scope, ...rest } = row;
  return { ...rest, advice: adviceFor(row.errorCode), scope: storedRunScope(scope) };
}

export async function startRun(
  env: Env,
  db: Db,
  actor: Principal,
  connectionId: string,
  input: { mode: "quick" | "full"; since?: string | undefined; dryRun: boolean },
  ip?: string | null,
): Promise<Extract<RunAnswer, { kind: "queued" | "planned" }>> {
  const connection = await visibleConnection(db, { orgId: actor.orgId } as OrgScope, connectionId);
  if (connection.status === "pending") throw new ApiError("conflict", "The partner has not accepted this connection yet.");
  refuseEnded(connection);
  const answer = await connectionSyncStub(env, connection.createdByOrgId, connectionId).requestRun({
    connectionId,
    mode: input.mode,
    trigger: "manual",
    since: input.since,
    dryRun: input.dryRun,
    requestedBy: actor.userEmail,
  });
  if (answer.kind === "paused") throw new ApiError("conflict", "This connection is paused; resume it to sync.");
  if (answer.kind === "cooldown") {
    throw new ApiError("rate_limited", `A manual sync ran moments ago; the next is allowed at ${answer.nextAllowedAt}.`, { nextAllowedAt: answer.nextAllowedAt }, { "Retry-After": String(answer.retryAfterSeconds) });
  }
  await auditEntry(db, actor, { action: input.dryRun ? "run.dry_run" : "run.requested", targetType: "connection", targetId: connectionId, details: { mode: input.mode, since: input.since, runId: answer.runId } }, ip).run();
  return answer;
}

type RunQuery = { status?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; cursor?: string | undefined };

export async function listRuns(db: Db, scope: OrgScope, connectionId: string, query: RunQuery) {
  await visibleConnection(db, scope, connectionId);
  return runsWhere(db, eq(syncRuns.connectionId, connectionId), query);
}

/** Runs of every connection the organisation is on, or of one of them, newest first. */
export async function listOrgRuns(db: Db, scope: OrgScope, query: RunQuery & { connectionId?: string | undefined }) {
  if (query.connectionId) return listRuns(db, scope, query.connectionId, query);
  const mine = db.select({ id: connectionSides.connectionId }).from(connectionSides).where(eq(connectionSides.orgId, scope.orgId));
  return runsWhere(db, inArray(syncRuns.connectionId, mine), query);
}

async function runsWhere(db: Db, connection: SQL, query: RunQuery) {
  const rows = await db
    .select()
    .from(syncRuns)
    .where(
      and(
        connection,
        query.status ? eq(syncRuns.status, query.status as "success") : undefined,
        query.from ? gte(syncRuns.startedAt, query.from) : undefined,
        query.to ? lt(syncRuns.startedAt, query.to) : undefined,
        query.cursor ? lt(syncRuns.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(syncRuns.id))
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, runView);
}

type ChildCounts = { synced: number; failed: number; skipped: number; unverified?: number; errors: { id: string; code: string; message: string }[] };
export type ItemChildren = { comments?: ChildCounts; attachments?: ChildCounts; timeEntries?: ChildCounts };

export async function getRun(db: Db, scope: OrgScope, runId: string) {
  const [run] = await db.select().from(syncRuns).where(eq(syncRuns.id, runId)).limit(1);
  if (!run) throw notFound("Run");
  const visible = await findVisibleConnection(db, scope, run.connectionId).catch(() => {
    throw notFound("Run");
  });
  const items = await db.select().from(runItems).where(eq(runItems.runId, runId)).orderBy(runItems.id);
  const pageOfTicket = await ticketPageLinker(db, visible, items.map((i) => i.ticketLinkId));
  return {
    ...runView(run),
    items: items.map((item) => ({
      id: item.id,
      outcome: item.outcome,
      sourceTicketId: item.sourceTicketId,
      targetTicketId: item.targetTicketId,
      sourceNumber: item.sourceNumber,
      targetNumber: item.targetNumber,
      reason: item.reason,
      errorCode: item.errorCode,
      errorMessage: item.errorMessage,
      vendorMessage: item.vendorMessage,
      advice: adviceFor(item.errorCode),
      sourceUrl: pageOfTicket({ side: "source", id: item.sourceTicketId, number: item.sourceNumber, linkId: item.ticketLinkId }),
      targetUrl: pageOfTicket({ side: "target", id: item.targetTicketId, number: item.targetNumber, linkId: item.ticketLinkId }),
      children: JSON.parse(item.childCounts) as ItemChildren,
      conflicts: JSON.parse(item.conflicts) as { field: string; sourceValue: string | null; targetValue: string | null; winner: string; policy: string }[],
    })),
  };
}
