// Change detection per side: a high-water mark of updated time, the (id, updated) pairs already
// handled near it, and the tickets whose sync failed. Each run re-reads from
// `watermark − OVERLAP` (clock skew, equal timestamps, vendors that hide the last minute), drops
// what it has already handled, and re-reads failed tickets by id, so no change is missed, none is
// handled twice, and a failure is retried until it passes.
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { changeCursors } from "../../db/schema";
import type { Ticket } from "../../connectors/canonical";
import { nowIso } from "../../lib/time";
import type { Side } from "./types";

export const OVERLAP_MS = 2 * 60 * 1000;
/**
 * Platforms stamp updates to the second. A ticket stamped in the second we read it may change
 * again within that second and keep its stamp, so such tickets are never marked as handled:
 * they are re-read next run (and found in sync if nothing changed).
 */
const SAME_SECOND_MS = 2_000;

export type Cursor = { watermark: string | null; seen: string[]; retry: string[] };

const key = (t: Pick<Ticket, "id" | "updatedAt">) => `${t.id}@${t.updatedAt}`;

export async function loadCursor(db: Db, connectionId: string, side: Side): Promise<Cursor> {
  const [row] = await db.select().from(changeCursors).where(and(eq(changeCursors.connectionId, connectionId), eq(changeCursors.side, side))).limit(1);
  return row
    ? { watermark: row.watermark, seen: JSON.parse(row.seenIds) as string[], retry: JSON.parse(row.retryIds) as string[] }
    : { watermark: null, seen: [], retry: [] };
}

/** Where listing starts: the overlap before the watermark, or the run's start date the first time. */
export function listSince(cursor: Cursor, fallback: string): string {
  if (!cursor.watermark) return fallback;
  return new Date(Date.parse(cursor.watermark) - OVERLAP_MS).toISOString();
}

/** The tickets not handled before, and the cursor to store once they are (retries set later). */
export function advance(cursor: Cursor, listed: Ticket[], listedAt: number): { fresh: Ticket[]; next: Cursor } {
  return { fresh: unseen(cursor, listed), next: settle(accumulate(cursor, listed, listedAt)) };
}

/** The listed tickets this cursor has not handled yet. */
export function unseen(cursor: Cursor, listed: Ticket[]): Ticket[] {
  const seen = new Set(cursor.seen);
  return listed.filter((t) => !seen.has(key(t)));
}

/**
 * Folds one page of a listing into the cursor being built (start from the stored cursor), so a
 * listing read across several invocations ends where a single read would. `settle` it at the end.
 */
export function accumulate(next: Cursor, listed: Ticket[], listedAt: number): Cursor {
  const newest = [next.watermark ?? "", ...listed.map((t) => t.updatedAt)].reduce((a, b) => (b > a ? b : a), "");
  // Compared as instants: platforms stamp without milliseconds ("…:09Z"), and as text that sorts
  // after "…:09.500Z", which kept every ticket stamped in the last three seconds unsettled.
  const settled = listedAt - SAME_SECOND_MS;
  const seen = [...next.seen, ...listed.filter((t) => Date.parse(t.updatedAt) < settled).map(key)];
  return { watermark: newest || next.watermark, seen: [...new Set(seen)], retry: next.retry };
}

/** Drops the handled pairs that fell out of the overlap window: the next listing cannot return them. */
export function settle(next: Cursor): Cursor {
  if (!next.watermark) return next;
  const floor = Date.parse(next.watermark) - OVERLAP_MS;
  return { ...next, seen: next.seen.filter((k) => Date.parse(k.slice(k.lastIndexOf("@") + 1)) >= floor) };
}

export function saveCursor(db: Db, connectionId: string, side: Side, cursor: Cursor) {
  const values = { connectionId, side, watermark: cursor.watermark, seenIds: JSON.stringify(cursor.seen), retryIds: JSON.stringify(cursor.retry), updatedAt: nowIso() };
  return db.insert(changeCursors).values(values).onConflictDoUpdate({ target: [changeCursors.connectionId, changeCursors.side], set: values });
}
