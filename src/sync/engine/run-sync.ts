// One sync run of one connection: read what changed on each side since its cursor, plan, apply
// (or, for a dry run, only plan), and record the run, its items and any open issues. Called by
// the connection's Durable Object, which guarantees one run at a time.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { connections, runItems, syncIssues, syncRuns, usageCounters } from "../../db/schema";
import type { Ticket } from "../../connectors/canonical";
import { ConnectorError } from "../../connectors/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { AccountDeps } from "../../services/platform-accounts";
import { buildDescription } from "../description-builder";
import { applyOperation, type ItemRecord } from "./apply-plan";
import { advance, listSince, loadCursor, saveCursor, type Cursor } from "./change-cursor";
import { ConnectionNotReady, loadConnection, type ConnectionContext } from "./load-connection";
import { findLinkById, loadLinks } from "./links-store";
import { syncComments } from "./sync-comments";
import { emptyCounts, type ChildCounts } from "./child-links";
import { syncAttachments } from "./sync-attachments";
import { syncTimeEntries } from "./sync-time-entries";
import { getPicklists } from "../../services/account-checks";
import { scopeOf } from "../../auth/principal";
import type { Picklists } from "../../connectors/canonical";
import { listChangedSince } from "./list-changes";
import { planChanges } from "./plan-changes";
import { syncCodeForKind, SYNC_ERRORS, type SyncErrorCode } from "./sync-errors";
import type { PlannedOperation, Side } from "./types";

export type RunRequest = {
  connectionId: string;
  mode: "quick" | "full";
  trigger: "manual" | "automatic" | "webhook" | "retry";
  /** Where a first run starts (UTC ISO); later runs start at their cursor. */
  since?: string | undefined;
  dryRun?: boolean;
  requestedBy?: string | null;
  /** A run row already recorded as `queued` (by the Durable Object); otherwise one is made. */
  runId?: string;
  /** Tickets a platform said changed (webhooks): re-read by id, whatever the list says. */
  hints?: TicketHint[];
};
export type TicketHint = { side: Side; ticketId: string };

export type RunStatus = "success" | "partial" | "failed" | "no_tickets";
export type RunResult = {
  runId: string;
  status: RunStatus;
  counts: Record<ItemRecord["outcome"], number>;
  plan?: PlanSummary[];
  /** Set when the run failed for a passing reason (rate limit, platform down): try again later. */
  retry?: { afterSeconds: number | null };
};
export type PlanSummary = { action: string; side: Side; ticket: string; detail: string };

const DEFAULT_FIRST_RUN_DAYS = 30;

/** A failure to even list a ticket's comments (or files, or time) fails that part, not the run. */
async function childSafely(work: () => Promise<ChildCounts>): Promise<ChildCounts> {
  try {
    return await work();
  } catch (err) {
    const counts = emptyCounts();
    counts.failed = 1;
    counts.errors.push({
      id: "*",
      code: err instanceof ConnectorError ? syncCodeForKind(err.kind) : "internal_error",
      message: err instanceof ConnectorError ? err.vendorMessage : err instanceof Error ? err.message : String(err),
    });
    if (!(err instanceof ConnectorError)) console.error("child sync failed", err);
    return counts;
  }
}

/** A pair whose fields were in step but whose comments or files moved: still worth an item. */
function childrenOnlyItem(op: Extract<PlannedOperation, { kind: "in_sync" }>): ItemRecord {
  const { link } = op;
  return {
    outcome: "updated",
    linkId: link.id,
    sourceTicketId: link.sourceTicketId,
    targetTicketId: link.targetTicketId,
    sourceNumber: link.sourceNumber,
    targetNumber: link.targetNumber,
    reason: "comments or attachments only",
    errorCode: null,
    errorMessage: null,
    vendorMessage: null,
    conflicts: [],
    side: op.side,
    ticketId: op.ticket.id,
  };
}

/** Tickets that failed last time and did not change since: read by id, so they are retried. */
async function retriesNotListed(context: ConnectionContext, side: Side, retry: string[], listed: Ticket[]): Promise<Ticket[]> {
  const listedIds = new Set(listed.map((t) => t.id));
  const { client } = context.sides[side];
  const tickets: Ticket[] = [];
  for (const id of retry) {
    if (listedIds.has(id)) continue;
    try {
      tickets.push(await client.getTicket(id, client.syncedTicketTypes()[0]!));
    } catch (err) {
      // A ticket deleted since its failure is no longer anyone's problem; anything else is.
      if (!(err instanceof ConnectorError && err.kind === "not_found")) throw err;
    }
  }
  return tickets;
}

function describePlan(op: PlannedOperation): PlanSummary | null {
  switch (op.kind) {
    case "create":
      return { action: "create", side: op.on, ticket: op.from.number, detail: `would create a ticket on the ${op.on} side from ${op.from.number} "${op.from.title}"` };
    case "update":
      return {
        action: op.closes ? "close" : "update",
        side: op.side,
        ticket: op.ticket.number,
        detail: `would write ${Object.entries(op.writes).map(([side, w]) => `${Object.keys(w).join(", ")} on the ${side} side`).join(" and ")}`,
      };
    case "skip":
      return { action: "skip", side: op.side, ticket: op.ticket.number, detail: op.reason };
    case "fail":
      return { action: "fail", side: op.side, ticket: op.ticket.number, detail: `${op.code}: ${op.message}` };
    case "in_sync":
      return null;
  }
}

/** What a run needs: the database, credentials key and fetch, and R2 to stage attachments in. */
export type EngineDeps = AccountDeps & { attachments?: R2Bucket };

export async function runSync(deps: EngineDeps, request: RunRequest): Promise<RunResult> {
  const db: Db = deps.db;
  const runId = request.runId ?? newId("run");
  const startedAt = nowIso();
  const counts = { created: 0, updated: 0, closed: 0, skipped: 0, failed: 0 };
  if (request.runId) await db.delete(syncRuns).where(and(eq(syncRuns.id, runId), eq(syncRuns.status, "queued")));
  await db.insert(syncRuns).values({
    id: runId,
    connectionId: request.connectionId,
    mode: request.mode,
    trigger: request.trigger,
    dryRun: request.dryRun ?? false,
    status: "running",
    since: request.since ?? null,
    requestedBy: request.requestedBy ?? null,
    phase: "reading changes",
    startedAt,
  });
  const finish = async (status: RunStatus, error?: { code: SyncErrorCode; message: string }) => {
    await db
      .update(syncRuns)
      .set({ status, ...counts, phase: null, errorCode: error?.code ?? null, errorMessage: error?.message ?? null, finishedAt: nowIso() })
      .where(eq(syncRuns.id, runId));
    return status;
  };

  let context: ConnectionContext;
  const changes: Record<Side, Ticket[]> = { source: [], target: [] };
  const nextCursors: Partial<Record<Side, Cursor>> = {};
  try {
    context = await loadConnection(deps, request.connectionId);
    const fallback = request.since ?? new Date(Date.now() - DEFAULT_FIRST_RUN_DAYS * 86_400_000).toISOString();
    for (const side of ["source", "target"] as const) {
      const stored = await loadCursor(db, request.connectionId, side);
      // A full resync re-reads everything but keeps the list of tickets to retry.
      const cursor: Cursor = request.mode === "full" ? { watermark: null, seen: [], retry: stored.retry } : stored;
      const listedAt = Date.now();
      const listed = await listChangedSince(context.sides[side].client, listSince(cursor, fallback));
      const { fresh, next } = advance(cursor, listed, listedAt);
      const reread = [...new Set([...cursor.retry, ...(request.hints ?? []).filter((h) => h.side === side).map((h) => h.ticketId)])];
      changes[side] = [...fresh, ...(await retriesNotListed(context, side, reread, listed))];
      nextCursors[side] = { ...next, retry: [] };
    }
  } catch (err) {
    const error =
      err instanceof ConnectorError
        ? { code: syncCodeForKind(err.kind), message: err.vendorMessage }
        : err instanceof ConnectionNotReady
          ? { code: "validation_failed" as const, message: err.message }
          : { code: "internal_error" as const, message: err instanceof Error ? err.message : String(err) };
    if (!(err instanceof ConnectorError) && !(err instanceof ConnectionNotReady)) console.error("run failed", err);
    const status = await finish("failed", error);
    if (err instanceof ConnectorError && err.retryable) return { runId, status, counts, retry: { afterSeconds: err.details.retryAfterSeconds ?? null } };
    return { runId, status, counts };
  }

  const links = await loadLinks(db, context.id, { source: changes.source.map((t) => t.id), target: changes.target.map((t) => t.id) });
  const plan = planChanges({
    changes,
    links,
    rules: context.rules,
    settings: { source: context.sides.source.settings, target: context.sides.target.settings, connection: context.settings },
    buildDescription: (ticket) => buildDescription(ticket, context.settings.description),
  });

  if (request.dryRun) {
    const summary = plan.map(describePlan).filter((p): p is PlanSummary => p !== null);
    for (const p of summary) {
      if (p.action === "create") counts.created++;
      else if (p.action === "close") counts.closed++;
      else if (p.action === "update") counts.updated++;
      else if (p.action === "skip") counts.skipped++;
      else counts.failed++;
    }
    const status = await finish(summary.length === 0 ? "no_tickets" : counts.failed ? "partial" : "success");
    return { runId, status, counts, plan: summary };
  }

  await db.update(syncRuns).set({ phase: "syncing tickets", ticketsTotal: plan.length }).where(eq(syncRuns.id, runId));
  // Members and work roles to match time entries against, read at most once per side and run.
  const picklistCache = new Map<Side, Promise<Picklists>>();
  const picklistsOf = (side: Side) => {
    let found = picklistCache.get(side);
    if (!found) {
      found = getPicklists(deps, scopeOf({ orgId: context.sides[side].orgId }), context.sides[side].accountId).then((c) => c.picklists);
      picklistCache.set(side, found);
    }
    return found;
  };
  let done = 0;
  try {
    for (const op of plan) {
      let item = await applyOperation(db, context, op);
      done++;
      const linkId = op.kind === "in_sync" ? op.link.id : item?.outcome !== "failed" ? item?.linkId : null;
      if (linkId && (op.kind === "create" || op.kind === "update" || op.kind === "in_sync")) {
        const link = await findLinkById(db, linkId);
        const comments = link ? await childSafely(() => syncComments(db, context, link)) : emptyCounts();
        const attachments = link ? await childSafely(() => syncAttachments(db, context, link, deps.attachments)) : emptyCounts();
        const timeEntries = link ? await childSafely(() => syncTimeEntries(db, context, link, picklistsOf)) : emptyCounts();
        const all = [comments, attachments, timeEntries];
        if (!item && all.some((c) => c.synced + c.failed + c.skipped > 0)) item = childrenOnlyItem(op as Extract<PlannedOperation, { kind: "in_sync" }>);
        if (item) item.children = { comments, attachments, timeEntries };
        if (all.some((c) => c.failed > 0) && item) nextCursors[item.side]!.retry.push(item.ticketId);
      }
      if (!item) continue;
      counts[item.outcome]++;
      if (item.outcome === "failed") nextCursors[item.side]!.retry.push(item.ticketId);
      await recordItem(db, context.id, runId, item, done);
    }
  } catch (err) {
    // Never leave a run `running`: what was done is recorded, the rest is retried next run.
    console.error("run stopped", err);
    return { runId, status: await finish("failed", { code: "internal_error", message: err instanceof Error ? err.message : String(err) }), counts };
  }
  for (const side of ["source", "target"] as const) await saveCursor(db, context.id, side, nextCursors[side]!).run();
  const synced = counts.created + counts.updated + counts.closed;
  if (synced > 0) {
    const month = startedAt.slice(0, 7);
    await db
      .insert(usageCounters)
      .values({ connectionId: context.id, month, ticketsSynced: synced })
      .onConflictDoUpdate({ target: [usageCounters.connectionId, usageCounters.month], set: { ticketsSynced: sql`${usageCounters.ticketsSynced} + ${synced}` } });
  }
  const total = synced + counts.skipped + counts.failed;
  const status: RunStatus = total === 0 ? "no_tickets" : counts.failed ? "partial" : "success";
  await finish(status);
  if (request.trigger === "manual") {
    await db.update(connections).set({ initialSyncCompletedAt: nowIso() }).where(and(eq(connections.id, context.id), sql`${connections.initialSyncCompletedAt} is null`));
  }
  return { runId, status, counts };
}

async function recordItem(db: Db, connectionId: string, runId: string, item: ItemRecord, done: number) {
  const now = nowIso();
  const statements = [
    db.insert(runItems).values({
      id: newId("itm"),
      runId,
      ticketLinkId: item.linkId,
      sourceTicketId: item.sourceTicketId,
      targetTicketId: item.targetTicketId,
      sourceNumber: item.sourceNumber,
      targetNumber: item.targetNumber,
      outcome: item.outcome,
      reason: item.reason,
      errorCode: item.errorCode,
      errorMessage: item.errorMessage,
      vendorMessage: item.vendorMessage,
      conflicts: JSON.stringify(item.conflicts),
      childCounts: JSON.stringify(item.children ?? {}),
      createdAt: now,
    }),
    db.update(syncRuns).set({ ticketsDone: done }).where(eq(syncRuns.id, runId)),
  ] as const;
  if (item.outcome === "failed" && item.errorCode) {
    // One open issue per ticket and code, counted across runs until it is fixed or resolved.
    const issue = db
      .insert(syncIssues)
      .values({
        id: newId("iss"),
        connectionId,
        side: item.side,
        ticketId: item.ticketId,
        ticketNumber: item.side === "source" ? item.sourceNumber : item.targetNumber,
        errorCode: item.errorCode,
        message: `${item.errorMessage ?? ""} ${SYNC_ERRORS[item.errorCode].advice}`.trim(),
        firstRunId: runId,
        lastRunId: runId,
        status: "open",
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [syncIssues.connectionId, syncIssues.side, syncIssues.ticketId, syncIssues.errorCode],
        set: { lastRunId: runId, occurrences: sql`${syncIssues.occurrences} + 1`, status: "open", updatedAt: now },
      });
    await db.batch([...statements, issue]);
  } else {
    await db.batch(statements);
    if (item.outcome !== "skipped") {
      // Success closes the ticket's open issues.
      await db
        .update(syncIssues)
        .set({ status: "resolved", resolvedAt: now, resolvedBy: "sync", updatedAt: now })
        .where(and(eq(syncIssues.connectionId, connectionId), eq(syncIssues.ticketId, item.ticketId), eq(syncIssues.status, "open")));
    }
  }
}
