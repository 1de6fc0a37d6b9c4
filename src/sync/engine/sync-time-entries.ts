// Time entries of a linked pair, each carried once, where both platforms have them and the
// origin side switched them on. The member and work role are matched by name on the other side,
// else the side's default member and work role are used. Each copy carries its record's id as a
// `reference`, which the connector keeps where the platform's users do not read it if it can
// (facts.copyMarkers), so a copy whose answer was lost is recognised instead of logged twice.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { timeEntryLinks } from "../../db/schema";
import type { Picklists, TimeEntry } from "../../connectors/canonical";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { ConnectionContext } from "./load-connection";
import { childFailure, confirmCopies, emptyCounts, knownIds, listBoth, MAX_ATTEMPTS, notStored, ticketTypesOf, type ChildCounts, type WrittenCopy } from "./child-links";
import { otherSide, type LinkState, type Side } from "./types";

/** Copies written before the reference had a place of its own carry it in their notes. */
const LEGACY_REF = /\(Lockstep ref (tel_[0-9a-z]+)\)/;
const referenceOf = (entry: TimeEntry): string | null => entry.reference ?? LEGACY_REF.exec(entry.notes)?.[1] ?? null;

const byName = (values: { id: string; name: string }[], name: string | null | undefined) =>
  name ? values.find((v) => v.name.trim().toLowerCase() === name.trim().toLowerCase())?.id ?? null : null;

export async function syncTimeEntries(
  db: Db,
  context: ConnectionContext,
  link: LinkState,
  picklistsOf: (side: Side) => Promise<Picklists>,
  fresh: Side | null = null,
  resendLost = false,
): Promise<ChildCounts> {
  const counts = emptyCounts();
  const { source, target } = context.sides;
  const able = source.client.listTimeEntries && source.client.addTimeEntry && target.client.listTimeEntries && target.client.addTimeEntry;
  const enabled = source.settings.timeEntries.enabled || target.settings.timeEntries.enabled;
  if (!able || !enabled || !link.sourceTicketId || !link.targetTicketId) return counts;
  const ids: Record<Side, string> = { source: link.sourceTicketId, target: link.targetTicketId };
  const types = ticketTypesOf(context, link);
  const lists: Record<Side, TimeEntry[]> = await listBoth(fresh, (side) => context.sides[side].client.listTimeEntries!(ids[side], types[side]));
  // A pair created this moment has no records yet.
  const records = fresh ? [] : await db.select().from(timeEntryLinks).where(eq(timeEntryLinks.ticketLinkId, link.id));
  const known = knownIds(records);
  const written: WrittenCopy[] = [];
  // A full resync gives entries reported as not kept their tries again (the cause may be fixed).
  if (resendLost) for (const r of records) if (notStored(r)) known[r.originSide].delete(r.originId);
  for (const from of ["source", "target"] as const) {
    const settings = context.sides[from].settings.timeEntries;
    if (!settings.enabled) continue;
    const to = otherSide(from);
    const defaults = context.sides[to].settings.timeEntries;
    for (const entry of lists[from]) {
      if (known[from].has(entry.id) || referenceOf(entry) !== null || entry.minutes <= 0) continue;
      const existing = records.find((r) => r.originSide === from && r.originId === entry.id);
      const ref = existing?.id ?? newId("tel");
      if (!existing) await db.insert(timeEntryLinks).values({ id: ref, ticketLinkId: link.id, originSide: from, originId: entry.id, state: "pending", createdAt: nowIso(), updatedAt: nowIso() });
      try {
        let copyId = lists[to].find((e) => referenceOf(e) === ref)?.id;
        const attempts = existing && !notStored(existing) ? existing.attempts : 0;
        // Sent and answered before, yet not listed: reported once it has had its tries.
        if (!copyId && existing?.state === "unverified" && attempts >= MAX_ATTEMPTS) throw new NotStored(attempts);
        if (!copyId) {
          const picklists = await picklistsOf(to);
          const added = await context.sides[to].client.addTimeEntry!(ids[to], types[to], {
            start: entry.start,
            minutes: entry.minutes,
            memberId: byName(picklists.members, entry.member?.name) ?? defaults.defaultMemberId ?? null,
            workRoleId: byName(picklists.workRoles, entry.workRole?.name) ?? defaults.defaultWorkRoleId ?? null,
            notes: settings.carryNotes ? entry.notes : "",
            reference: ref,
          });
          // Counted once a listing shows it (confirmCopies below): an answer is not proof.
          await db.update(timeEntryLinks).set({ copyId: added.id, state: "unverified", attempts: attempts + 1, errorCode: null, errorMessage: null, updatedAt: nowIso() }).where(eq(timeEntryLinks.id, ref));
          written.push({ recordId: ref, originId: entry.id, to, copyId: added.id, attempts: attempts + 1 });
          counts.unverified++;
          continue;
        }
        await db.update(timeEntryLinks).set({ copyId, state: "done", errorCode: null, errorMessage: null, updatedAt: nowIso() }).where(eq(timeEntryLinks.id, ref));
        counts.synced++;
      } catch (err) {
        const { code, message } = err instanceof NotStored ? { code: NOT_STORED, message: err.message } : childFailure(err);
        await db.update(timeEntryLinks).set({ state: "failed", errorCode: code, errorMessage: message, updatedAt: nowIso() }).where(eq(timeEntryLinks.id, ref));
        counts.failed++;
        counts.errors.push({ id: entry.id, code, message });
      }
    }
  }
  for (const [recordId, verdict] of await confirmCopies(written, (side) => context.sides[side].client.listTimeEntries!(ids[side], types[side]))) {
    if (verdict === "unverified") continue;
    const copy = written.find((w) => w.recordId === recordId)!;
    counts.unverified--;
    if (verdict === "done") counts.synced++;
    else {
      counts.failed++;
      counts.errors.push({ id: copy.originId, code: NOT_STORED, message: new NotStored(copy.attempts).message });
    }
    const state = verdict === "done" ? { state: "done" as const } : { state: "failed" as const, errorCode: NOT_STORED, errorMessage: new NotStored(copy.attempts).message };
    await db.update(timeEntryLinks).set({ ...state, updatedAt: nowIso() }).where(eq(timeEntryLinks.id, recordId));
  }
  return counts;
}

const NOT_STORED = "time_entry_not_stored";

class NotStored extends Error {
  constructor(attempts: number) {
    super(`This time entry was sent ${attempts} times and the platform answered each time, but it is not on the ticket.`);
  }
}
