// Executes a plan through the connectors, one operation at a time, and records what happened.
// Creates are idempotent: the link is written in state `creating` before the vendor call, and a
// run that finds such a link looks for the ticket by its partner reference before creating it
// again, so a crash or timeout between "created" and "link saved" never makes a second ticket.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ticketLinks } from "../../db/schema";
import type { Ticket, TicketWrite } from "../../connectors/canonical";
import { ConnectorError } from "../../connectors/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { describeNotStored, notStored, readField, type NotStored } from "./field-access";
import type { ConnectionContext } from "./load-connection";
import type { MappingRule } from "./mapping-rules";
import { PARTNER_KEY, TYPES_KEY } from "./plan-changes";
import { syncCodeForKind, SyncItemError, type SyncErrorCode } from "./sync-errors";
import type { ChildCounts } from "./child-links";
import { otherSide, type Conflict, type LinkState, type PlannedOperation, type Side, type SyncedValues } from "./types";

export type ItemRecord = {
  outcome: "created" | "updated" | "closed" | "skipped" | "failed";
  linkId: string | null;
  sourceTicketId: string | null;
  targetTicketId: string | null;
  sourceNumber: string | null;
  targetNumber: string | null;
  reason: string | null;
  errorCode: SyncErrorCode | null;
  errorMessage: string | null;
  vendorMessage: string | null;
  conflicts: Conflict[];
  /** Comments (attachments, time entries) carried with the ticket, by outcome. */
  children?: { comments?: ChildCounts; attachments?: ChildCounts; timeEntries?: ChildCounts };
  /** The side whose ticket the item is about, for issues. */
  side: Side;
  ticketId: string;
  /** The platform's Retry-After on a rate-limited failure: the run pauses rather than fail on. */
  retryAfterSeconds?: number | null;
  /** Done, but something of it is left for the next run: re-read this ticket then. */
  retry?: boolean;
  /** The pair's link as this operation left it (not stored with the item): saves reading it back. */
  linkState?: LinkState;
};

const ids = (side: Side, ticket: Ticket) =>
  side === "source"
    ? { sourceTicketId: ticket.id, sourceNumber: ticket.number, targetTicketId: null, targetNumber: null }
    : { targetTicketId: ticket.id, targetNumber: ticket.number, sourceTicketId: null, sourceNumber: null };

function failure(err: unknown): { code: SyncErrorCode; message: string; vendor: string | null; retryAfterSeconds?: number | null } {
  if (err instanceof ConnectorError) return { code: syncCodeForKind(err.kind), message: err.message, vendor: err.vendorMessage, retryAfterSeconds: err.details.retryAfterSeconds ?? null };
  if (err instanceof SyncItemError) return { code: err.code, message: err.message, vendor: err.vendorMessage };
  console.error("sync item failed", err);
  return { code: "internal_error", message: err instanceof Error ? err.message : String(err), vendor: null };
}

/** Per-rule values on `side` as the platform now holds them (it may normalise what we wrote). */
function syncedFrom(rules: MappingRule[], synced: SyncedValues, side: Side, ticket: Ticket): SyncedValues {
  const out: SyncedValues = { ...synced };
  for (const rule of rules) {
    const entry = out[rule.id];
    if (!entry) continue;
    out[rule.id] = { ...entry, [side]: readField(ticket, side === "source" ? rule.sourceField : rule.targetField) };
  }
  const types = out[TYPES_KEY] ?? { source: null, target: null };
  out[TYPES_KEY] = { ...types, [side]: ticket.ticketType };
  return out;
}

/** Recorded in place of a value the platform did not keep: it equals no value read, so the next
 * run that reads the ticket it came from sees a change and writes it again. */
export const NOT_STORED = "\u0000not stored";

/** Marks what `side` dropped as not synced: the other side's value of each such rule becomes
 * NOT_STORED, and a dropped partner reference is written again by the pair's next update. */
function markNotStored(rules: MappingRule[], synced: SyncedValues, side: Side, dropped: NotStored[]): void {
  const fields = new Set(dropped.map((d) => d.field));
  for (const rule of rules) {
    const entry = synced[rule.id];
    if (!entry || !fields.has(side === "source" ? rule.sourceField : rule.targetField)) continue;
    synced[rule.id] = { ...entry, [otherSide(side)]: NOT_STORED };
  }
  if (fields.has("partnerReference")) synced[PARTNER_KEY] = { ...(synced[PARTNER_KEY] ?? { source: null, target: null }), [side]: "missing" };
}

export async function applyOperation(db: Db, context: ConnectionContext, op: PlannedOperation): Promise<ItemRecord | null> {
  switch (op.kind) {
    case "in_sync":
      return null;
    case "skip":
      return { outcome: "skipped", linkId: op.link?.id ?? null, ...ids(op.side, op.ticket), reason: op.reason, errorCode: null, errorMessage: null, vendorMessage: null, conflicts: [], side: op.side, ticketId: op.ticket.id };
    case "fail":
      return { outcome: "failed", linkId: op.link?.id ?? null, ...ids(op.side, op.ticket), reason: null, errorCode: op.code, errorMessage: op.message, vendorMessage: null, conflicts: [], side: op.side, ticketId: op.ticket.id };
    case "create":
      return applyCreate(db, context, op);
    case "update":
      return applyUpdate(db, context, op);
  }
}

async function applyCreate(db: Db, context: ConnectionContext, op: Extract<PlannedOperation, { kind: "create" }>): Promise<ItemRecord> {
  const from = otherSide(op.on);
  const base = { ...ids(from, op.from), side: from, ticketId: op.from.id, reason: null, conflicts: [] as Conflict[] };
  const target = context.sides[op.on];
  const linkId = op.resumeLinkId ?? newId("lnk");
  try {
    const ticketType = target.settings.defaults.ticketType ?? target.client.syncedTicketTypes()[0]!;
    let created: Ticket | null = null;
    let dropped: NotStored[] = [];
    // An earlier attempt may have created it before its answer was lost (a link left `creating`),
    // or, in a full resync, a copy may exist whose link was lost.
    if (op.resumeLinkId || op.lookUpFirst) created = await target.client.findByPartnerReference(ticketType, op.from.number);
    if (!op.resumeLinkId) {
      const now = nowIso();
      await db.insert(ticketLinks).values({
        id: linkId,
        connectionId: context.id,
        sourceTicketId: from === "source" ? op.from.id : null,
        targetTicketId: from === "target" ? op.from.id : null,
        sourceNumber: from === "source" ? op.from.number : null,
        targetNumber: from === "target" ? op.from.number : null,
        originSide: from,
        state: "creating",
        createdAt: now,
        updatedAt: now,
      });
    }
    if (!created) {
      const fields: TicketWrite = { ...op.fields };
      if (op.requesterEmail) {
        const email = op.requesterEmail.toLowerCase();
        let lookup = target.contacts.get(email);
        if (!lookup) {
          lookup = target.client.findContactByEmail(op.requesterEmail);
          target.contacts.set(email, lookup);
          // A failed lookup is not remembered: the next ticket asks again.
          lookup.catch(() => target.contacts.delete(email));
        }
        const contact = await lookup;
        const fallback = target.settings.defaults.fallbackContactId;
        // Never create a contact: a match, else the fallback contact, else name and email as text.
        fields.requester = contact ?? (fallback ? { id: fallback, name: null, email: null } : { id: null, name: op.requesterName, email: op.requesterEmail });
        if (!contact && !fallback && !(fields.description ?? "").includes(op.requesterEmail)) {
          // Platforms without display fields for an unknown requester still show who asked.
          const who = op.requesterName ? `${op.requesterName} <${op.requesterEmail}>` : op.requesterEmail;
          fields.description = `Requester: ${who}\n${fields.description ?? ""}`;
        }
      }
      created = await target.client.createTicket(ticketType, fields);
      dropped = notStored(fields, created);
    }
    // Show the partner's number on the original too, where the platform has a field for it. A
    // failure leaves the pair marked, and the original is re-read next run to write it then.
    let vendorMessage: string | null = null;
    const synced = syncedFrom(context.rules, op.synced, op.on, created);
    markNotStored(context.rules, synced, op.on, dropped);
    const partnerMissing = () => (synced[PARTNER_KEY] = { ...(synced[PARTNER_KEY] ?? { source: null, target: null }), [from]: "missing" });
    try {
      const original = await context.sides[from].client.updateTicket(op.from.id, op.from.ticketType, { partnerReference: created.number });
      if (notStored({ partnerReference: created.number }, original).length > 0) {
        vendorMessage = `Created, but the ${from} platform did not store the partner reference "${created.number}" (it is tried again next run).`;
        partnerMissing();
      }
    } catch (err) {
      vendorMessage = `Created, but writing the partner reference back failed (it is tried again next run): ${err instanceof ConnectorError ? err.vendorMessage : String(err)}`;
      partnerMissing();
    }
    const now = nowIso();
    await db
      .update(ticketLinks)
      .set({
        state: "linked",
        ...(op.on === "target" ? { targetTicketId: created.id, targetNumber: created.number } : { sourceTicketId: created.id, sourceNumber: created.number }),
        syncedValues: JSON.stringify(synced),
        lastSyncedAt: now,
        updatedAt: now,
      })
      .where(eq(ticketLinks.id, linkId));
    const createdIds = op.on === "target" ? { targetTicketId: created.id, targetNumber: created.number } : { sourceTicketId: created.id, sourceNumber: created.number };
    const ids2 = { sourceTicketId: base.sourceTicketId, sourceNumber: base.sourceNumber, targetTicketId: base.targetTicketId, targetNumber: base.targetNumber, ...createdIds };
    const linkState: LinkState = { id: linkId, state: "linked", originSide: from, ...ids2, synced };
    if (dropped.length > 0) {
      // Created and linked, but not as written: a failure to act on, read again next run.
      return { ...base, ...createdIds, outcome: "failed", linkId, errorCode: "field_not_stored", errorMessage: describeNotStored(op.on, dropped), vendorMessage, linkState };
    }
    return { ...base, ...createdIds, outcome: "created", linkId, errorCode: null, errorMessage: null, vendorMessage, linkState, retry: vendorMessage !== null };
  } catch (err) {
    const f = failure(err);
    return { ...base, outcome: "failed", linkId: op.resumeLinkId ? linkId : null, errorCode: f.code, errorMessage: f.message, vendorMessage: f.vendor, retryAfterSeconds: f.retryAfterSeconds ?? null };
  }
}

async function applyUpdate(db: Db, context: ConnectionContext, op: Extract<PlannedOperation, { kind: "update" }>): Promise<ItemRecord> {
  const link = op.link;
  const base = {
    linkId: link.id,
    sourceTicketId: link.sourceTicketId,
    targetTicketId: link.targetTicketId,
    sourceNumber: link.sourceNumber,
    targetNumber: link.targetNumber,
    side: op.side,
    ticketId: op.ticket.id,
    conflicts: op.conflicts,
  };
  try {
    let synced = op.synced;
    const dropped: { side: Side; fields: NotStored[] }[] = [];
    for (const side of ["target", "source"] as const) {
      const changes = op.writes[side];
      if (!changes) continue;
      const ticketType = link.synced[TYPES_KEY]?.[side] ?? context.sides[side].client.syncedTicketTypes()[0]!;
      const updated = await context.sides[side].client.updateTicket(side === "source" ? link.sourceTicketId! : link.targetTicketId!, ticketType, changes);
      synced = syncedFrom(context.rules.filter((r) => synced[r.id]), synced, side, updated);
      const lost = notStored(changes, updated);
      if (lost.length > 0) {
        markNotStored(context.rules, synced, side, lost);
        dropped.push({ side, fields: lost });
      }
    }
    const now = nowIso();
    await db.update(ticketLinks).set({ syncedValues: JSON.stringify(synced), lastSyncedAt: now, updatedAt: now }).where(eq(ticketLinks.id, link.id));
    const linkState: LinkState = { ...link, synced };
    if (dropped.length > 0) {
      // The item is about the ticket whose value did not land on the other side: re-reading it
      // next run finds the value changed (against NOT_STORED) and writes it again.
      const from = otherSide(dropped[0]!.side);
      const ticketId = (from === "source" ? link.sourceTicketId : link.targetTicketId) ?? op.ticket.id;
      const message = dropped.map((d) => describeNotStored(d.side, d.fields)).join(" ");
      return { ...base, side: from, ticketId, outcome: "failed", reason: null, errorCode: "field_not_stored", errorMessage: message, vendorMessage: null, linkState };
    }
    return { ...base, outcome: op.closes ? "closed" : "updated", reason: null, errorCode: null, errorMessage: null, vendorMessage: null, linkState };
  } catch (err) {
    const f = failure(err);
    return { ...base, outcome: "failed", reason: null, errorCode: f.code, errorMessage: f.message, vendorMessage: f.vendor, retryAfterSeconds: f.retryAfterSeconds ?? null };
  }
}
