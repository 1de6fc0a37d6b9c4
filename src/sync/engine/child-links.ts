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

/** Writes of one copy before a copy never seen is reported rather than sent again. */
export const MAX_ATTEMPTS = 2;

/** A copy reported as not kept (`comment_not_stored`, `attachment_not_stored`…): left alone by
 * later runs until a full resync, not tried again and again against a platform that drops it. */
export const notStored = (r: { state: string; errorCode?: string | null }) => r.state === "failed" && Boolean(r.errorCode?.endsWith("_not_stored"));

/** Ids each side already knows: settled originals and every copy we wrote. Pending, unverified
 * and failed originals are left out, so they are looked at again. */
export function knownIds(records: (ChildRecord & { errorCode?: string | null })[]): Record<Side, Set<string>> {
  const known: Record<Side, Set<string>> = { source: new Set(), target: new Set() };
  for (const r of records) {
    if (r.state === "done" || r.state === "skipped" || notStored(r)) known[r.originSide].add(r.originId);
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

/** A copy written in this pass whose platform answered with `copyId`. */
export type WrittenCopy = { recordId: string; originId: string; to: Side; copyId: string; attempts: number };

/**
 * A platform's success answer does not prove it kept the write (a field the user may not write,
 * a rule that undoes it): each side written to is listed once more (one call per side, where
 * reading the pair again next run would cost several). A copy listed is `done`; one not listed
 * stays `unverified` (its pair is read again next run and it is written once more), or, written
 * MAX_ATTEMPTS times, is `not_stored`. A listing that fails leaves its copies unverified.
 */
export async function confirmCopies(written: WrittenCopy[], list: (side: Side) => Promise<{ id: string }[]>): Promise<Map<string, "done" | "unverified" | "not_stored">> {
  const verdicts = new Map<string, "done" | "unverified" | "not_stored">();
  for (const side of ["source", "target"] as const) {
    const mine = written.filter((w) => w.to === side);
    if (mine.length === 0) continue;
    const listed = await list(side).then((l) => new Set(l.map((c) => c.id)), () => null);
    for (const w of mine) verdicts.set(w.recordId, listed?.has(w.copyId) ? "done" : listed && w.attempts >= MAX_ATTEMPTS ? "not_stored" : "unverified");
  }
  return verdicts;
}
