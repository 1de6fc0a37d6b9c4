// Attachments of a linked pair, each carried once. A file streams from the platform into R2
// (hashed with SHA-256 on the way, never held whole by us), then from R2 to the other platform;
// the staged copy is deleted after success and reused by a retry after a failure. The same
// file (name and hash) is never attached twice: a copy whose answer was lost is recognised.
// Files over a limit or outside the type filter are skipped with the reason, not failed. An
// upload counts once a listing shows it (confirmCopies): one answered but not kept is uploaded
// once more from the staged copy, then reported as attachment_not_stored.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { attachmentLinks } from "../../db/schema";
import type { Attachment } from "../../connectors/canonical";
import { ConnectorError } from "../../connectors/errors";
import { bytesToHex } from "../../lib/encoding";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { ConnectionContext } from "./load-connection";
import { childFailure, confirmCopies, emptyCounts, knownIds, listBoth, MAX_ATTEMPTS, notStored, ticketTypesOf, type ChildCounts, type WrittenCopy } from "./child-links";
import { otherSide, type LinkState, type Side } from "./types";

function typeAllowed(allowed: string[], file: Attachment): boolean {
  if (allowed.length === 0) return true;
  const name = file.fileName.toLowerCase();
  const type = file.contentType.toLowerCase();
  return allowed.some((rule) => {
    const r = rule.toLowerCase().trim();
    if (r.startsWith(".")) return name.endsWith(r);
    if (r.endsWith("/*")) return type.startsWith(r.slice(0, -1));
    return type === r;
  });
}

function skipReason(context: ConnectionContext, from: Side, file: Attachment): string | null {
  const to = otherSide(from);
  const { attachments } = context.sides[from].settings;
  if (!typeAllowed(attachments.allowedTypes, file)) return `type ${file.contentType} is not among the allowed types (${attachments.allowedTypes.join(", ")})`;
  const platformLimit = context.sides[to].maxAttachmentBytes;
  const limit = platformLimit === null ? attachments.maxBytes : Math.min(attachments.maxBytes, platformLimit);
  if (file.size !== null && file.size > limit) return `${file.fileName} is ${file.size} bytes, over the limit of ${limit} bytes`;
  return null;
}

/**
 * Streams a download into R2 while hashing it, chunk by chunk (workerd cannot pipe one native
 * transform stream into another, so the chunks are pumped by hand). Returns the SHA-256.
 * A download cut off midway aborts the upload and waits for it to end: an upload left open
 * would keep the invocation (and the connection's Durable Object) busy long after the run.
 */
async function stage(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, size: number | null, contentType: string): Promise<string> {
  const digest = new crypto.DigestStream("SHA-256");
  // Rejected when the hash is aborted below; handled here so that is not an unhandled rejection.
  digest.digest.catch(() => undefined);
  const hash = digest.getWriter();
  const reader = body.getReader();
  try {
    if (size === null) {
      // No length to promise R2: the file is bounded by the size limit, so buffering is safe.
      const chunks: Uint8Array[] = [];
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        chunks.push(r.value);
        await hash.write(r.value);
      }
      await bucket.put(key, await new Blob(chunks).arrayBuffer(), { httpMetadata: { contentType } });
    } else {
      // R2 needs the length of a streamed body up front.
      const { readable, writable } = new FixedLengthStream(size);
      const upload = bucket.put(key, readable, { httpMetadata: { contentType } });
      const out = writable.getWriter();
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          await out.write(r.value);
          await hash.write(r.value);
        }
        await out.close();
      } catch (err) {
        await out.abort(err).catch(() => undefined);
        await upload.catch(() => undefined);
        throw err;
      }
      await upload;
    }
    await hash.close();
  } catch (err) {
    await reader.cancel(err).catch(() => undefined);
    await hash.abort(err).catch(() => undefined);
    throw err;
  }
  return bytesToHex(new Uint8Array(await digest.digest));
}

/** The SHA-256 of a stream, read chunk by chunk, and its length. */
async function hashOf(body: ReadableStream<Uint8Array>): Promise<{ hash: string; bytes: number }> {
  const digest = new crypto.DigestStream("SHA-256");
  const hash = digest.getWriter();
  const reader = body.getReader();
  let bytes = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    bytes += r.value.byteLength;
    await hash.write(r.value);
  }
  await hash.close();
  return { hash: bytesToHex(new Uint8Array(await digest.digest)), bytes };
}

const NOT_STORED = "attachment_not_stored";
const notStoredMessage = (attempts: number) => `This file was uploaded ${attempts} times and the platform answered each time, but it is not on the ticket.`;

export async function syncAttachments(db: Db, context: ConnectionContext, link: LinkState, bucket: R2Bucket | undefined, fresh: Side | null = null, resendLost = false): Promise<ChildCounts> {
  const counts = emptyCounts();
  const enabled = context.sides.source.settings.attachments.enabled || context.sides.target.settings.attachments.enabled;
  if (!bucket || !enabled || !link.sourceTicketId || !link.targetTicketId) return counts;
  const ids: Record<Side, string> = { source: link.sourceTicketId, target: link.targetTicketId };
  const types = ticketTypesOf(context, link);
  const lists: Record<Side, Attachment[]> = await listBoth(fresh, (side) => context.sides[side].client.listAttachments(ids[side], types[side]));
  // A pair created this moment has no records yet.
  const records = fresh ? [] : await db.select().from(attachmentLinks).where(eq(attachmentLinks.ticketLinkId, link.id));
  const known = knownIds(records);
  // A full resync gives files reported as not kept their tries again (the cause may be fixed).
  if (resendLost) for (const r of records) if (notStored(r)) known[r.originSide].delete(r.originId);
  const written: WrittenCopy[] = [];
  const stagedKeys = new Map<string, string>();
  for (const from of ["source", "target"] as const) {
    if (!context.sides[from].settings.attachments.enabled) continue;
    const to = otherSide(from);
    for (const file of lists[from]) {
      if (known[from].has(file.id)) continue;
      const existing = records.find((r) => r.originSide === from && r.originId === file.id);
      const id = existing?.id ?? newId("atl");
      const now = nowIso();
      if (!existing) await db.insert(attachmentLinks).values({ id, ticketLinkId: link.id, originSide: from, originId: file.id, state: "pending", createdAt: now, updatedAt: now });
      const reason = skipReason(context, from, file);
      if (reason) {
        await db.update(attachmentLinks).set({ state: "skipped", errorMessage: reason, updatedAt: nowIso() }).where(eq(attachmentLinks.id, id));
        counts.skipped++;
        counts.errors.push({ id: file.id, code: "skipped", message: reason });
        continue;
      }
      const key = `org/${context.sides[from].orgId}/connection/${context.id}/attachment/${id}`;
      const attempts = existing && !notStored(existing) ? existing.attempts : 0;
      if (existing?.state === "unverified") {
        // Uploaded before: settled if listed now; reported if it has had its tries.
        if (existing.copyId && lists[to].some((f) => f.id === existing.copyId)) {
          await db.update(attachmentLinks).set({ state: "done", updatedAt: nowIso() }).where(eq(attachmentLinks.id, id));
          await bucket.delete(key);
          counts.synced++;
          continue;
        }
        if (attempts >= MAX_ATTEMPTS) {
          const message = notStoredMessage(attempts);
          await db.update(attachmentLinks).set({ state: "failed", errorCode: NOT_STORED, errorMessage: message, updatedAt: nowIso() }).where(eq(attachmentLinks.id, id));
          await bucket.delete(key);
          counts.failed++;
          counts.errors.push({ id: file.id, code: NOT_STORED, message });
          continue;
        }
      }
      try {
        let hash = existing?.contentHash ?? null;
        let staged = hash ? await bucket.head(key) : null;
        if (!staged) {
          const download = await context.sides[from].client.downloadAttachment(ids[from], types[from], file);
          hash = await stage(bucket, key, download.body, download.size ?? file.size, download.contentType || file.contentType);
          await db.update(attachmentLinks).set({ contentHash: hash, updatedAt: nowIso() }).where(eq(attachmentLinks.id, id));
          staged = await bucket.head(key);
        }
        // Never the same file twice: one with this name and hash already there is our copy.
        const twin = records.find((r) => r.contentHash === hash && r.state === "done" && r.originSide === from && r.originId !== file.id && lists[to].some((f) => f.id === r.copyId && f.fileName === file.fileName));
        // A file of the same name, size and bytes already on the other side is this one's copy:
        // one whose answer was lost (a record left pending or failed), or, seen from the other
        // side, our own copy not yet recorded. Adopting it is what keeps files from doubling or
        // echoing back; only a same-named file is ever downloaded to check.
        let copyId = twin?.copyId ?? (await findLostCopy(context, to, ids[to], types[to], lists[to], file, hash!));
        if (copyId) known[to].add(copyId);
        if (!copyId) {
          const object = await bucket.get(key);
          if (!object) throw new Error("staged copy vanished");
          copyId = (await context.sides[to].client.uploadAttachment(ids[to], types[to], { fileName: file.fileName, contentType: file.contentType, size: staged!.size, body: object.body, createdAt: file.createdAt })).id;
          // Kept staged until a listing shows the copy: a second upload needs no second download.
          await db.update(attachmentLinks).set({ copyId, state: "unverified", attempts: attempts + 1, errorCode: null, errorMessage: null, updatedAt: nowIso() }).where(eq(attachmentLinks.id, id));
          written.push({ recordId: id, originId: file.id, to, copyId, attempts: attempts + 1 });
          stagedKeys.set(id, key);
          counts.unverified++;
          continue;
        }
        await db.update(attachmentLinks).set({ copyId, state: "done", errorCode: null, errorMessage: null, updatedAt: nowIso() }).where(eq(attachmentLinks.id, id));
        await bucket.delete(key);
        counts.synced++;
      } catch (err) {
        const { code, message } = childFailure(err);
        await db.update(attachmentLinks).set({ state: "failed", errorCode: code, errorMessage: message, updatedAt: nowIso() }).where(eq(attachmentLinks.id, id));
        counts.failed++;
        counts.errors.push({ id: file.id, code, message });
      }
    }
  }
  const verdicts = await confirmCopies(written, (side) => context.sides[side].client.listAttachments(ids[side], types[side]));
  for (const w of written) {
    const verdict = verdicts.get(w.recordId);
    if (verdict === "unverified" || verdict === undefined) continue;
    counts.unverified--;
    if (verdict === "done") {
      await db.update(attachmentLinks).set({ state: "done", updatedAt: nowIso() }).where(eq(attachmentLinks.id, w.recordId));
      counts.synced++;
    } else {
      const message = notStoredMessage(w.attempts);
      await db.update(attachmentLinks).set({ state: "failed", errorCode: NOT_STORED, errorMessage: message, updatedAt: nowIso() }).where(eq(attachmentLinks.id, w.recordId));
      counts.failed++;
      counts.errors.push({ id: w.originId, code: NOT_STORED, message });
    }
    await bucket.delete(stagedKeys.get(w.recordId)!);
  }
  return counts;
}

/** A file on `to` with the same name and size whose bytes hash the same (after a lost answer). */
async function findLostCopy(context: ConnectionContext, to: Side, ticketId: string, ticketType: string, list: Attachment[], file: Attachment, hash: string): Promise<string | null> {
  for (const candidate of list.filter((f) => f.fileName === file.fileName && (f.size === null || file.size === null || f.size === file.size))) {
    const download = await context.sides[to].client.downloadAttachment(ticketId, ticketType, candidate);
    const read = await hashOf(download.body);
    // A download that is not the size the platform lists was garbled on the way: that proves
    // nothing either way, so the file waits for the next run rather than being sent again.
    if (candidate.size !== null && read.bytes !== candidate.size) {
      throw new ConnectorError("transient", `The download of ${candidate.fileName} came back ${read.bytes} bytes long, not ${candidate.size}`);
    }
    if (read.hash === hash) return candidate.id;
  }
  return null;
}
