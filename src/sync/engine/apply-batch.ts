// The applying phase of a run, a batch at a time: take the oldest waiting tickets (with the other
// half of any linked pair that is waiting too, so a pair is planned as one), plan them against
// the links as they are now, apply, carry comments, files and time, and record each item. The
// plan is made from fresh links on every batch, so a batch redone after an eviction finds its
// creates already linked (or `creating`, and looks them up) instead of repeating them.
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import type { Picklists } from "../../connectors/canonical";
import { ConnectorError } from "../../connectors/errors";
import { scopeOf } from "../../auth/principal";
import { getPicklists } from "../../services/account-checks";
import { buildDescription } from "../description-builder";
import { applyOperation, type ItemRecord } from "./apply-plan";
import { emptyCounts, type ChildCounts } from "./child-links";
import { findLinkById, loadLinks } from "./links-store";
import { descriptionLabels, type ConnectionContext } from "./load-connection";
import { planWithExclusions } from "./plan-changes";
import { tallyExclusions } from "./run-scope";
import { itemStatements } from "./record-item";
import type { EngineDeps } from "./run-request";
import type { RunState, WorkItem, WorkStore } from "./run-state";
import { syncAttachments } from "./sync-attachments";
import { syncComments } from "./sync-comments";
import { syncCodeForKind, type SyncErrorCode } from "./sync-errors";
import { syncTimeEntries } from "./sync-time-entries";
import { otherSide, type LinkState, type PlannedOperation, type Side } from "./types";

export type BatchOutcome = { handled: number; pauseMs: number | null };

/** Members and work roles to match time entries against: read at most once per side and chunk. */
export type PicklistCache = Map<Side, Promise<Picklists>>;

const key = (side: Side, id: string | null) => `${side}:${id}`;

/** Tickets worked on at once. Their calls go through each side's gate (load-connection), which
 * holds them to the platform's concurrency, so the invocation's six connections are not passed;
 * what the extra tickets buy is a call always waiting at each gate. */
const MAX_PARALLEL = 12;

export async function applyBatch(deps: EngineDeps, db: Db, context: ConnectionContext, state: RunState, store: WorkStore, limit: number, picklists: PicklistCache): Promise<BatchOutcome> {
  const head = await store.peek(limit);
  if (head.length === 0) {
    state.phase = "finishing";
    return { handled: 0, pauseMs: null };
  }
  const ids = { source: head.filter((i) => i.side === "source").map((i) => i.ticket.id), target: head.filter((i) => i.side === "target").map((i) => i.ticket.id) };
  const links = await loadLinks(db, context.id, ids);
  const inHead = new Set(head.map((i) => key(i.side, i.ticket.id)));
  const partnerIds: Record<Side, string[]> = { source: [], target: [] };
  for (const link of links) {
    if (link.sourceTicketId && link.targetTicketId && inHead.has(key("source", link.sourceTicketId)) !== inHead.has(key("target", link.targetTicketId))) {
      if (inHead.has(key("source", link.sourceTicketId))) partnerIds.target.push(link.targetTicketId);
      else partnerIds.source.push(link.sourceTicketId);
    }
  }
  const items: WorkItem[] = [...head, ...(await store.byIds("source", partnerIds.source)), ...(await store.byIds("target", partnerIds.target))];
  const { operations: plan, exclusions } = planWithExclusions({
    changes: { source: items.filter((i) => i.side === "source").map((i) => i.ticket), target: items.filter((i) => i.side === "target").map((i) => i.ticket) },
    links,
    rules: context.rules,
    settings: { source: context.sides.source.settings, target: context.sides.target.settings, connection: context.settings },
    buildDescription: (ticket) => buildDescription(ticket, context.settings.description, descriptionLabels(context)),
    full: state.request.mode === "full",
  });
  const waiting = new Set(items.map((i) => key(i.side, i.ticket.id)));
  const finished: { side: Side; id: string }[] = [];
  let pauseMs: number | null = null;
  const records: BatchItem<"sqlite">[] = [];
  const queue = [...plan];
  // Tickets of a batch go side by side (no more than an invocation's six simultaneous
  // connections), so the wait is the platforms' latency, not ours.
  const worker = async () => {
    for (let op = queue.shift(); op && pauseMs === null; op = queue.shift()) {
      const item = await applyWithChildren(deps, db, context, op, picklists, state);
      if (item?.outcome === "failed" && item.errorCode === "rate_limited") {
        // The platform asked us to slow down: start nothing more, keep this ticket and the rest
        // waiting, and go on once its Retry-After has passed (rather than fail every ticket).
        pauseMs = Math.max(pauseMs ?? 0, 1_000, (item.retryAfterSeconds ?? 30) * 1_000);
        return;
      }
      if (item) {
        if (item.outcome === "failed") state.retry[item.side].push(item.ticketId);
        records.push(...itemStatements(db, context.id, state.request.runId, item));
      }
      for (const k of covered(op)) if (waiting.has(k)) finished.push({ side: k.startsWith("source:") ? "source" : "target", id: k.slice(k.indexOf(":") + 1) });
    }
  };
  // Enough tickets at once to keep both platforms busy: a ticket's calls go one after another
  // (read the source, write the target, write back), so with one ticket per connection slot the
  // slower platform's gate stood empty a third of the time. Twice as many keeps one waiting.
  const parallel = Math.max(1, Math.min(MAX_PARALLEL, 2 * (context.sides.source.rateLimit.concurrency + context.sides.target.rateLimit.concurrency)));
  await Promise.all(Array.from({ length: parallel }, worker));
  // The batch's items in one round trip, before its tickets leave the queue: a batch cut off
  // before this is redone whole, and its items written then.
  if (records.length > 0) await db.batch(records as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  // Exclusions count once their tickets leave the queue: a ticket kept waiting is planned again.
  const removed = pauseMs !== null ? finished : items.map((i) => ({ side: i.side, id: i.ticket.id }));
  const gone = new Set(removed.map((r) => key(r.side, r.id)));
  if (state.scope) tallyExclusions(state.scope, exclusions.filter((e) => gone.has(key(e.side, e.ticketId))));
  if (pauseMs !== null) {
    await store.remove(finished);
    return { handled: finished.length, pauseMs };
  }
  await store.remove(items.map((i) => ({ side: i.side, id: i.ticket.id })));
  return { handled: items.length, pauseMs: null };
}

/** The waiting tickets an operation settles: both halves of its pair, or its one ticket. */
function covered(op: PlannedOperation): string[] {
  const link = op.kind === "create" ? null : op.link;
  if (link) return [key("source", link.sourceTicketId), key("target", link.targetTicketId)];
  return op.kind === "create" ? [key(op.on === "target" ? "source" : "target", op.from.id)] : [key(op.side, op.ticket.id)];
}

/** Failures of a ticket's fields that leave the ticket itself reachable: its comments, files and
 * time do not depend on the field, so they still travel. (A refused login, a missing ticket or a
 * platform asking us to wait would fail them the same way, and the ticket is retried whole.) */
const FIELD_FAILURES: ReadonlySet<SyncErrorCode> = new Set(["value_not_mapped", "validation_failed", "permission_denied"]);

/** The linked pair a failed update (or a failure planned for a linked ticket) leaves in place. */
function pairOfFailure(op: PlannedOperation, item: ItemRecord | null): LinkState | null {
  if (item?.outcome !== "failed" || !item.errorCode || !FIELD_FAILURES.has(item.errorCode)) return null;
  const link = op.kind === "update" || op.kind === "fail" ? op.link : null;
  return link?.state === "linked" && link.sourceTicketId && link.targetTicketId ? link : null;
}

async function applyWithChildren(deps: EngineDeps, db: Db, context: ConnectionContext, op: PlannedOperation, picklists: PicklistCache, state: RunState): Promise<ItemRecord | null> {
  let item = await applyOperation(db, context, op);
  const failedPair = pairOfFailure(op, item);
  if (item?.outcome === "failed" && !failedPair) {
    // A ticket not created has no copy to carry anything to; the next run tries it whole.
    const linked = op.kind === "update" || (op.kind === "fail" && op.link?.state === "linked");
    if (!linked) item.reason = "Not created, so its comments, attachments and time entries wait for the copy.";
    return item;
  }
  const linkId = op.kind === "in_sync" ? op.link.id : failedPair ? failedPair.id : item?.linkId;
  if (!linkId || !(op.kind === "create" || op.kind === "update" || op.kind === "in_sync" || failedPair)) return item;
  // The link as the operation left it, or (in step, or failed) as the batch read it: no need to read it back.
  const link = item?.linkState ?? (op.kind === "in_sync" ? op.link : failedPair ?? (await findLinkById(db, linkId)));
  if (!link) return item;
  const picklistsOf = (side: Side) => {
    let found = picklists.get(side);
    if (!found) {
      found = getPicklists(deps, scopeOf({ orgId: context.sides[side].orgId }), context.sides[side].accountId).then((c) => c.picklists);
      picklists.set(side, found);
    }
    return found;
  };
  // A ticket created just now (not a create resumed or looked up) has nothing of its own yet.
  const fresh = op.kind === "create" && item?.outcome === "created" && !op.resumeLinkId && !op.lookUpFirst ? op.on : null;
  const descriptions: Partial<Record<Side, string>> = op.kind === "create" ? { [otherSide(op.on)]: op.from.description } : { [op.side]: op.ticket.description };
  if (failedPair && item) {
    // A failure planned for one ticket names only that one: the item names the pair.
    Object.assign(item, { sourceTicketId: failedPair.sourceTicketId, targetTicketId: failedPair.targetTicketId, sourceNumber: failedPair.sourceNumber, targetNumber: failedPair.targetNumber });
    item.reason = "Its fields were not synced; its comments, attachments and time entries still travel (counts beside).";
  }
  const comments = await childSafely(() => syncComments(db, context, link, fresh, descriptions, state.request.mode === "full"));
  const attachments = await childSafely(() => syncAttachments(db, context, link, deps.attachments, fresh, state.request.mode === "full"));
  const timeEntries = await childSafely(() => syncTimeEntries(db, context, link, picklistsOf, fresh, state.request.mode === "full"));
  const all = [comments, attachments, timeEntries];
  if (!item && all.some((c) => c.synced + c.failed + c.skipped + c.unverified > 0)) item = childrenOnlyItem(op as Extract<PlannedOperation, { kind: "in_sync" }>);
  if (item) item.children = { comments, attachments, timeEntries };
  // A ticket whose comments or files failed is read again next run, though its fields are in step;
  // so is one with copies not yet seen on the other side (a dropped write changes no ticket).
  if (item && item.outcome !== "failed" && (item.retry || all.some((c) => c.failed > 0 || c.unverified > 0))) state.retry[item.side].push(item.ticketId);
  return item;
}

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
