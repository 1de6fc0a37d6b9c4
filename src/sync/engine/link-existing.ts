// Pairs tickets that already exist on both sides instead of creating copies: a target ticket
// whose partner reference is a source ticket's number (or the other way round) is linked to it.
// The values both tickets hold now become the merge base, so the next run changes nothing
// until someone edits one of them.
import type { Db } from "../../db/client";
import { ticketLinks } from "../../db/schema";
import type { Ticket } from "../../connectors/canonical";
import { chunks } from "../../lib/chunks";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { AccountDeps } from "../../services/platform-accounts";
import { readField } from "./field-access";
import { loadConnection, type ConnectionContext } from "./load-connection";
import { loadLinks } from "./links-store";
import { listChangedSince } from "./list-changes";
import { rulesFor } from "./mapping-rules";
import { TYPES_KEY } from "./plan-changes";
import type { SyncedValues } from "./types";

export type LinkExistingResult = { linked: number; alreadyLinked: number; unmatched: number };

export function baseValues(context: ConnectionContext, source: Ticket, target: Ticket): SyncedValues {
  const synced: SyncedValues = { [TYPES_KEY]: { source: source.ticketType, target: target.ticketType } };
  for (const rule of rulesFor(context.rules, source.ticketType)) {
    synced[rule.id] = { source: readField(source, rule.sourceField), target: readField(target, rule.targetField) };
  }
  return synced;
}

/** Links every source/target pair that names each other by partner reference, updated since `since`. */
export async function linkByPartnerReference(deps: AccountDeps, connectionId: string, since: string): Promise<LinkExistingResult> {
  const db: Db = deps.db;
  const context = await loadConnection(deps, connectionId);
  const [sources, targets] = await Promise.all([listChangedSince(context.sides.source.client, since), listChangedSince(context.sides.target.client, since)]);
  const sourceByNumber = new Map(sources.map((t) => [t.number, t]));
  const sourceById = new Map(sources.map((t) => [t.id, t]));
  const existing = await loadLinks(db, connectionId, { source: sources.map((t) => t.id), target: targets.map((t) => t.id) });
  const linkedSource = new Set(existing.map((l) => l.sourceTicketId));
  const linkedTarget = new Set(existing.map((l) => l.targetTicketId));
  const result: LinkExistingResult = { linked: 0, alreadyLinked: 0, unmatched: 0 };
  const pairs: [Ticket, Ticket][] = [];
  const targetNumbers = new Map(targets.map((t) => [t.number, t]));
  for (const target of targets) {
    const source = (target.partnerReference && sourceByNumber.get(target.partnerReference)) || null;
    if (source) pairs.push([source, target]);
  }
  for (const source of sources) {
    const target = source.partnerReference ? targetNumbers.get(source.partnerReference) : undefined;
    if (target && !pairs.some(([s]) => s.id === source.id)) pairs.push([source, target]);
  }
  const now = nowIso();
  const inserts = [];
  for (const [source, target] of pairs) {
    if (linkedSource.has(source.id) || linkedTarget.has(target.id)) {
      result.alreadyLinked++;
      continue;
    }
    linkedSource.add(source.id);
    linkedTarget.add(target.id);
    inserts.push(
      db.insert(ticketLinks).values({
        id: newId("lnk"),
        connectionId,
        sourceTicketId: source.id,
        targetTicketId: target.id,
        sourceNumber: source.number,
        targetNumber: target.number,
        originSide: "source",
        state: "linked",
        syncedValues: JSON.stringify(baseValues(context, source, target)),
        lastSyncedAt: now,
        createdAt: now,
        updatedAt: now,
      }),
    );
    result.linked++;
  }
  // D1 runs each batch as one transaction; chunks keep each well inside its limits.
  for (const chunk of chunks(inserts, 50)) await db.batch(chunk as [(typeof chunk)[number], ...typeof chunk]);
  result.unmatched = sources.filter((s) => !linkedSource.has(s.id) && sourceById.has(s.id)).length;
  return result;
}
