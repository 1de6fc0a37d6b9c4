// Comments of a linked pair, each copied exactly once and never echoed back. Every copy is
// recorded (comment_links) before it is written, and its body names that record, so a copy
// whose answer was lost is recognised on the next run instead of being posted twice. An
// internal comment is only ever written as an internal note.
//
// A platform's answer to a comment write does not prove the comment was kept: ServiceNow answers
// a journal write with the incident, and drops a journal field the user may not write with a 200.
// So a copy counts as synced only once a listing of its side shows it (by its ref). The side is
// listed once more after its copies are written (one call, where reading the pair again next run
// would cost several); a copy not seen then stays `unverified`, and the pair is read again next
// run. A copy not there is sent once more, then reported (`comment_not_stored`) and not sent
// again until a full resync; it is never counted as synced.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { commentLinks } from "../../db/schema";
import type { Comment, CommentWrite } from "../../connectors/canonical";
import { chunks } from "../../lib/chunks";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { ConnectionContext } from "./load-connection";
import { childFailure, emptyCounts, knownIds, listBoth, MAX_ATTEMPTS, ticketTypesOf, type ChildCounts } from "./child-links";
import { otherSide, type LinkState, type Side } from "./types";

const REF = /\(Lockstep ref (cml_[0-9a-z]+)\)/;
/** D1 binds at most 100 parameters a statement; a comment link row binds eleven. */
const ROWS_PER_STATEMENT = 9;
export const NOT_STORED = "comment_not_stored";

function attribution(comment: Comment, ref: string): string {
  const who = comment.author?.name ?? comment.author?.email ?? "Someone";
  const when = `${comment.createdAt.slice(0, 16).replace("T", " ")} UTC`;
  return `${who} wrote on ${when} (Lockstep ref ${ref}):`;
}

/** The note type to write as on `side`: the admin's choice, unless it would make an internal comment public. */
function kindFor(context: ConnectionContext, side: Side, isPublic: boolean): string | undefined {
  const { settings, noteTypes } = context.sides[side];
  const chosen = isPublic ? settings.comments.incomingPublicAs : settings.comments.incomingInternalAs;
  if (!chosen) return undefined;
  const type = noteTypes.find((t) => t.id === chosen);
  if (!type || (!isPublic && type.public)) return undefined;
  return chosen;
}

function eligible(context: ConnectionContext, side: Side, comment: Comment): boolean {
  const { comments } = context.sides[side].settings;
  if (comment.public ? !comments.public : !comments.internal) return false;
  return comments.noteTypes.length === 0 || comments.noteTypes.includes(comment.kind);
}

/**
 * `descriptions`: the tickets' descriptions where the run read them. Some platforms keep the
 * description as the ticket's first note too (ConnectWise's initial description); that note is
 * recorded as skipped, never copied: the description already travels as the description. Where
 * the run did not read a side's ticket (the pair came up from the other side), it is read here,
 * only while that side's first note is still unhandled: once per pair, in practice.
 */
export async function syncComments(db: Db, context: ConnectionContext, link: LinkState, fresh: Side | null = null, descriptions: Partial<Record<Side, string>> = {}, resendLost = false): Promise<ChildCounts> {
  const counts = emptyCounts();
  const enabled = (["source", "target"] as const).some((s) => context.sides[s].settings.comments.public || context.sides[s].settings.comments.internal);
  if (!enabled || !link.sourceTicketId || !link.targetTicketId) return counts;
  const ids: Record<Side, string> = { source: link.sourceTicketId, target: link.targetTicketId };
  const types = ticketTypesOf(context, link);
  const lists: Record<Side, Comment[]> = await listBoth(fresh, (side) => context.sides[side].client.listComments(ids[side], types[side]));
  // A pair created this moment has no records yet.
  const records = fresh ? [] : await db.select().from(commentLinks).where(eq(commentLinks.ticketLinkId, link.id));
  // Every comment id either side already knows: originals we handled and copies we wrote.
  const known = knownIds(records);
  const todo: { from: Side; comment: Comment; ref: string; recorded: boolean; skip: boolean; attempts: number }[] = [];
  const now = nowIso();
  const outcomes: (typeof commentLinks.$inferInsert)[] = [];
  // Copies written before and not yet seen: seen now, sent again, or reported.
  const lost = (r: (typeof records)[number]) => r.state === "failed" && r.errorCode === NOT_STORED;
  for (const record of records.filter((r) => r.state === "unverified" || lost(r))) {
    const from = record.originSide;
    const to = otherSide(from);
    known[from].add(record.originId);
    const seen = lists[to].find((c) => REF.exec(c.body)?.[1] === record.id);
    const base = { id: record.id, ticketLinkId: link.id, originSide: from, originId: record.originId, attempts: record.attempts, createdAt: record.createdAt, updatedAt: now };
    if (seen) {
      known[to].add(seen.id);
      outcomes.push({ ...base, copyId: seen.id, state: "done", errorCode: null, errorMessage: null });
      counts.synced++;
      continue;
    }
    if (lost(record) && !resendLost) continue;
    const original = lists[from].find((c) => c.id === record.originId);
    if (!original) continue; // its original is gone: nothing left to send
    if (record.state === "unverified" && record.attempts >= MAX_ATTEMPTS) {
      outcomes.push({ ...base, copyId: record.copyId, ...notStored(counts, record.originId, record.attempts) });
      continue;
    }
    // A full resync gives a reported copy its two tries again (the admin may have fixed the ACL).
    todo.push({ from, comment: original, ref: record.id, recorded: true, skip: false, attempts: lost(record) ? 0 : record.attempts });
  }
  for (const from of ["source", "target"] as const) {
    // Oldest first; notes made in the same second keep the platform's order of ids.
    const ordered = [...lists[from]].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id, undefined, { numeric: true }));
    const first = ordered[0];
    if (first && descriptions[from] === undefined && !known[from].has(first.id) && !REF.test(first.body) && eligible(context, from, first)) {
      descriptions[from] = (await context.sides[from].client.getTicket(ids[from], types[from])).description;
    }
    const description = descriptions[from]?.trim();
    for (const [index, comment] of ordered.entries()) {
      if (known[from].has(comment.id) || REF.test(comment.body)) continue;
      if (!eligible(context, from, comment)) continue;
      const existing = records.find((r) => r.originSide === from && r.originId === comment.id);
      const isDescription = index === 0 && Boolean(description) && comment.body.trim() === description;
      todo.push({ from, comment, ref: existing?.id ?? newId("cml"), recorded: Boolean(existing), skip: isDescription, attempts: existing?.attempts ?? 0 });
    }
  }
  // Every copy is recorded before any is written (a few rows to a statement), and the outcomes
  // are written together after: a copy whose outcome was not written carries its ref, and the
  // next run adopts it from the other side's list.
  const pending = todo.filter((t) => !t.recorded).map((t) => ({ id: t.ref, ticketLinkId: link.id, originSide: t.from, originId: t.comment.id, state: "pending" as const, createdAt: now, updatedAt: now }));
  for (const rows of chunks(pending, ROWS_PER_STATEMENT)) await db.insert(commentLinks).values(rows);
  for (const { from, comment, ref, skip, attempts } of todo) {
    const to = otherSide(from);
    if (skip) {
      outcomes.push({ id: ref, ticketLinkId: link.id, originSide: from, originId: comment.id, createdAt: now, updatedAt: nowIso(), copyId: null, state: "skipped", errorCode: null, errorMessage: "the ticket's description, carried as the description" });
      continue;
    }
    // A copy written before its answer was lost carries our ref: adopt it instead of writing again.
    const adopted = lists[to].find((c) => REF.exec(c.body)?.[1] === ref);
    const base = { id: ref, ticketLinkId: link.id, originSide: from, originId: comment.id, createdAt: now, updatedAt: nowIso(), attempts };
    if (adopted) {
      // Seen in the list just read: that is the proof a write's answer is not.
      outcomes.push({ ...base, copyId: adopted.id, state: "done", errorCode: null, errorMessage: null });
      counts.synced++;
      continue;
    }
    try {
      const write: CommentWrite = { body: `${attribution(comment, ref)}\n\n${comment.body}`, format: comment.format, public: comment.public };
      const kind = kindFor(context, to, comment.public);
      if (kind) write.kind = kind;
      const copyId = (await context.sides[to].client.addComment(ids[to], types[to], write)).id;
      // Only an answered write counts as a try: one whose answer failed is tried again as before
      // (and adopted by its ref if it landed after all).
      outcomes.push({ ...base, attempts: attempts + 1, copyId, state: "unverified", errorCode: null, errorMessage: null });
      counts.unverified++;
    } catch (err) {
      const { code, message } = childFailure(err);
      outcomes.push({ ...base, copyId: null, state: "failed", errorCode: code, errorMessage: message });
      counts.failed++;
      counts.errors.push({ id: comment.id, code, message });
    }
  }
  await confirmWritten(context, ids, types, outcomes, counts);
  for (const rows of chunks(outcomes, ROWS_PER_STATEMENT)) {
    await db
      .insert(commentLinks)
      .values(rows)
      .onConflictDoUpdate({
        target: commentLinks.id,
        set: { copyId: sql`excluded.copy_id`, state: sql`excluded.state`, attempts: sql`excluded.attempts`, errorCode: sql`excluded.error_code`, errorMessage: sql`excluded.error_message`, updatedAt: sql`excluded.updated_at` },
      });
  }
  return counts;
}

function notStored(counts: ChildCounts, originId: string, attempts: number) {
  const message = `A copy of this comment was sent ${attempts} times and the platform answered each time, but it is not on the ticket.`;
  counts.failed++;
  counts.errors.push({ id: originId, code: NOT_STORED, message });
  return { state: "failed" as const, errorCode: NOT_STORED, errorMessage: message };
}

/**
 * Lists each side that was just written to once more, and settles the copies it shows. One not
 * shown stays unverified (its pair is read again next run), or, on its last try, is reported. A
 * listing that fails leaves them unverified: the next run looks again.
 */
async function confirmWritten(context: ConnectionContext, ids: Record<Side, string>, types: Record<Side, string>, outcomes: (typeof commentLinks.$inferInsert)[], counts: ChildCounts): Promise<void> {
  for (const to of ["source", "target"] as const) {
    const written = outcomes.filter((o) => o.state === "unverified" && otherSide(o.originSide) === to);
    if (written.length === 0) continue;
    let listed: Comment[];
    try {
      listed = await context.sides[to].client.listComments(ids[to], types[to]);
    } catch {
      continue;
    }
    const refs = new Map(listed.flatMap((c) => {
      const ref = REF.exec(c.body)?.[1];
      return ref ? [[ref, c.id] as const] : [];
    }));
    for (const outcome of written) {
      const seen = refs.get(outcome.id);
      const attempts = outcome.attempts ?? 0;
      if (!seen && attempts < MAX_ATTEMPTS) continue;
      counts.unverified--;
      if (seen) {
        Object.assign(outcome, { copyId: seen, state: "done" });
        counts.synced++;
      } else {
        Object.assign(outcome, notStored(counts, outcome.originId, attempts));
      }
    }
  }
}
