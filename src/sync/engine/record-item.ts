// One run item: what happened to one ticket, written with the run's progress and, for a failure,
// the ticket's open issue. The item's id is derived from the run and the ticket, so a batch redone
// after an eviction rewrites its items instead of adding them twice. A batch's items go to D1
// together, in one round trip.
import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { runItems, syncIssues } from "../../db/schema";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { ItemRecord } from "./apply-plan";
import { SYNC_ERRORS } from "./sync-errors";

export function itemId(runId: string, item: Pick<ItemRecord, "side" | "ticketId">): string {
  return `itm_${runId}_${item.side}_${item.ticketId}`;
}

/** The statements that record `item`: the item, and its ticket's issue opened or resolved. */
export function itemStatements(db: Db, connectionId: string, runId: string, item: ItemRecord): BatchItem<"sqlite">[] {
  const now = nowIso();
  const values = {
    id: itemId(runId, item),
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
  };
  const { id: _, runId: __, createdAt: ___, ...changes } = values;
  const write = db.insert(runItems).values(values).onConflictDoUpdate({ target: runItems.id, set: changes });
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
        // The same run met again (a redone batch) does not count as another occurrence.
        set: { lastRunId: runId, occurrences: sql`${syncIssues.occurrences} + (${syncIssues.lastRunId} <> ${runId})`, status: "open", updatedAt: now },
      });
    return [write, issue];
  } else if (item.outcome !== "skipped") {
    // Success closes the ticket's open issues.
    const resolve = db
      .update(syncIssues)
      .set({ status: "resolved", resolvedAt: now, resolvedBy: "sync", updatedAt: now })
      .where(and(eq(syncIssues.connectionId, connectionId), eq(syncIssues.ticketId, item.ticketId), eq(syncIssues.status, "open")));
    return [write, resolve];
  }
  return [write];
}
