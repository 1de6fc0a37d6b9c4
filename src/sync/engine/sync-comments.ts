// Comments of a linked pair, each copied exactly once and never echoed back. Every copy is
// recorded (comment_links) before it is written, and its body names that record, so a copy
// whose answer was lost is recognised on the next run instead of being posted twice. An
// internal comment is only ever written as an internal note.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { commentLinks } from "../../db/schema";
import type { Comment, CommentWrite } from "../../connectors/canonical";
import { chunks } from "../../lib/chunks";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { ConnectionContext } from "./load-connection";
import { childFailure, emptyCounts, knownIds, listBoth, ticketTypesOf, type ChildCounts } from "./child-links";
import { otherSide, type LinkState, type Side } from "./types";

const REF = /\(Lockstep ref (cml_[0-9a-z]+)\)/;
/** D1 binds at most 100 parameters a statement; a comment link row binds ten. */
const ROWS_PER_STATEMENT = 9;

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
export async function syncComments(db: Db, context: ConnectionContext, link: LinkState, fresh: Side | null = null, descriptions: Partial<Record<Side, string>> = {}): Promise<ChildCounts> {
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
  const todo: { from: Side; comment: Comment; ref: string; recorded: boolean; skip: boolean }[] = [];
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
      todo.push({ from, comment, ref: existing?.id ?? newId("cml"), recorded: Boolean(existing), skip: isDescription });
    }
  }
  if (todo.length === 0) return counts;
  // Every copy is recorded before any is written (a few rows to a statement), and the outcomes
  // are written together after: a copy whose outcome was not written carries its ref, and the
  // next run adopts it from the other side's list.
  const now = nowIso();
  const pending = todo.filter((t) => !t.recorded).map((t) => ({ id: t.ref, ticketLinkId: link.id, originSide: t.from, originId: t.comment.id, state: "pending" as const, createdAt: now, updatedAt: now }));
  for (const rows of chunks(pending, ROWS_PER_STATEMENT)) await db.insert(commentLinks).values(rows);
  const outcomes: (typeof commentLinks.$inferInsert)[] = [];
  for (const { from, comment, ref, skip } of todo) {
    const to = otherSide(from);
    if (skip) {
      outcomes.push({ id: ref, ticketLinkId: link.id, originSide: from, originId: comment.id, createdAt: now, updatedAt: nowIso(), copyId: null, state: "skipped", errorCode: null, errorMessage: "the ticket's description, carried as the description" });
      continue;
    }
    // A copy written before its answer was lost carries our ref: adopt it instead of writing again.
    const adopted = lists[to].find((c) => REF.exec(c.body)?.[1] === ref);
    const base = { id: ref, ticketLinkId: link.id, originSide: from, originId: comment.id, createdAt: now, updatedAt: nowIso() };
    try {
      let copyId = adopted?.id;
      if (!copyId) {
        const write: CommentWrite = { body: `${attribution(comment, ref)}\n\n${comment.body}`, format: comment.format, public: comment.public };
        const kind = kindFor(context, to, comment.public);
        if (kind) write.kind = kind;
        copyId = (await context.sides[to].client.addComment(ids[to], types[to], write)).id;
      }
      outcomes.push({ ...base, copyId, state: "done", errorCode: null, errorMessage: null });
      counts.synced++;
    } catch (err) {
      const { code, message } = childFailure(err);
      outcomes.push({ ...base, copyId: null, state: "failed", errorCode: code, errorMessage: message });
      counts.failed++;
      counts.errors.push({ id: comment.id, code, message });
    }
  }
  for (const rows of chunks(outcomes, ROWS_PER_STATEMENT)) {
    await db
      .insert(commentLinks)
      .values(rows)
      .onConflictDoUpdate({
        target: commentLinks.id,
        set: { copyId: sql`excluded.copy_id`, state: sql`excluded.state`, errorCode: sql`excluded.error_code`, errorMessage: sql`excluded.error_message`, updatedAt: sql`excluded.updated_at` },
      });
  }
  return counts;
}
