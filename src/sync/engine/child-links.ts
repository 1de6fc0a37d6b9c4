// What comments, attachments and time entries share: per-pair counts, which ids each side
// already knows, which ticket type each side's ticket is, and how a failure is recorded.
import { ConnectorError } from "../../connectors/errors";
import type { ConnectionContext } from "./load-connection";
import { TYPES_KEY } from "./plan-changes";
import { syncCodeForKind } from "./sync-errors";
import { otherSide, type LinkState, type Side } from "./types";

/** `unverified`: copies written whose platform answered but which no listing has shown yet:
 * not counted as synced until one does (the pair is read again next run). */
export type ChildCounts = { synced: number; failed: number; skipped: number; unverified: number; errors: { id: string; code: string; message: string }[] };

export const emptyCounts = (): ChildCounts => ({ synced: 0, failed: 0, skipped: 0, unverified: 0, errors: [] });

type ChildRecord = { state: string; originSide: Side; originId: string; copyId: string | null };

/** Ids each side already knows: settled originals and every copy we wrote. Pending and failed
 * originals are left out, so they are tried again. */
export function knownIds(records: ChildRecord[]): Record<Side, Set<string>> {
  const known: Record<Side, Set<string>> = { source: new Set(), target: new Set() };
  for (const r of records) {
    if (r.state === "done" || r.state === "skipped") known[r.originSide].add(r.originId);
    if (r.copyId) known[otherSide(r.originSide)].add(r.copyId);
  }
  return known;
}

export function ticketTypesOf(context: ConnectionContext, link: LinkState): Record<Side, string> {
  return {
    source: link.synced[TYPES_KEY]?.source ?? context.sides.source.client.syncedTicketTypes()[0]!,
    target: link.synced[TYPES_KEY]?.target ?? context.sides.target.client.syncedTicketTypes()[0]!,
  };
}

export function childFailure(err: unknown): { code: string; message: string } {
  return err instanceof ConnectorError ? { code: syncCodeForKind(err.kind), message: err.vendorMessage } : { code: "internal_error", message: String(err) };
}

/**
 * Both sides' lists of a pair's comments (files, time entries), read at once. The side whose
 * ticket this run has just created holds nothing yet but what we are about to write, so it is not
 * read: three calls saved on every new ticket. (A create resumed after a lost answer is not
 * fresh: its copies may be there already.)
 */
export async function listBoth<T>(fresh: Side | null, read: (side: Side) => Promise<T[]>): Promise<Record<Side, T[]>> {
  const [source, target] = await Promise.all([fresh === "source" ? [] : read("source"), fresh === "target" ? [] : read("target")]);
  return { source, target };
}
