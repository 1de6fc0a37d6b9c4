// The Request Tracker 5 connector: REST2 calls (api*.ts) plus mapping, behind the shared contract.
// Changed tickets are read by keyset on (LastUpdated, id) rather than by page number, so tickets
// that change during a run cannot shift a page and be skipped.
import { z } from "zod";
import { bytesToBase64, base64ToBytes } from "../../lib/encoding";
import type { Ref, TicketWrite } from "../canonical";
import type { Connector, ConnectorClient, ConnectorContext } from "../contract";
import { ConnectorError } from "../errors";
import { splitReference, withReference } from "../copy-reference";
import { RtApi, cursorSchema, sqlDate, sqlQuote } from "./api";
import { attachment, descriptionOf, postMessage, ticketAttachments, ticketMessages, transactionParts, uploadFile, type TicketMessages } from "./api-messages";
import type { RtAttachmentItem, RtTicket } from "./api-schemas";
import { credentialsSchema, settingsSchema, type Credentials, type Settings } from "./config";
import { requestTrackerFacts } from "./facts";
import { requestTrackerWebhook } from "./webhook";
import {
  NOTE_TYPES, commentFromPost, commentFromRt, commentKind, commentToRt, createdTicketFromWrite, partnerReferenceOf, priorityRef, statusesFor, ticketFromRt, ticketWriteToRt,
  timeEntryFromRt, type MappingContext,
} from "./mapping";
import { Recent } from "./recent";

type Cursor = z.infer<typeof cursorSchema>;
const encodeCursor = (cursor: Cursor) => bytesToBase64(new TextEncoder().encode(JSON.stringify(cursor)));
function decodeCursor(text: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(new TextDecoder().decode(base64ToBytes(text))));
  } catch {
    throw new ConnectorError("validation", "The listing cursor is not one this connector issued");
  }
}

function attachmentFromRt(item: RtAttachmentItem) {
  const txn = item.TransactionId;
  return {
    id: item.id,
    fileName: item.Filename ?? "",
    size: item.ContentLength ?? null,
    contentType: item.ContentType,
    createdAt: item.Created ?? "",
    extra: { TransactionId: typeof txn === "object" ? txn.id : txn ?? null },
  };
}

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({ start(controller) { controller.enqueue(bytes); controller.close(); } });
}

/** Tickets whose history and message texts one client keeps: about a page of the listing. */
const MESSAGES_KEPT = 100;
/** Descriptions one client keeps: a ticket's Create message never changes, so any read serves. */
const DESCRIPTIONS_KEPT = 2_000;

/** RT has no source, category or company: a write naming one is refused, never half-kept. */
function noSourceOrCategory(write: TicketWrite): void {
  const named = [write.sourceId !== undefined ? "source" : null, write.categoryId !== undefined ? "category" : null, write.companyId !== undefined ? "company" : null].filter(Boolean);
  if (named.length > 0) throw new ConnectorError("validation", `Request Tracker tickets have no ${named.join(" or ")}; remove that default or mapping from this side.`);
}

function createClient({ fetch, config }: ConnectorContext<Credentials, Settings>): ConnectorClient {
  const settings = settingsSchema.parse(config.settings);
  const api = new RtApi(fetch, config.baseUrl, config.credentials, settings);
  const ctx: MappingContext = { ...settings, baseUrl: config.baseUrl };
  const me = config.credentials.username;
  const queueClause = settings.queues.length ? `(${settings.queues.map((q) => `Queue = ${sqlQuote(q)}`).join(" OR ")})` : null;

  // A ticket's description, comments and time entries all come from its history and message
  // texts (two calls). Read once for the listing's description, they serve the comments and time
  // entries that follow in the same chunk; a write by us to the ticket forgets them.
  const messageCache = new Recent<string, Promise<TicketMessages>>(MESSAGES_KEPT);
  const descriptions = new Recent<string, string>(DESCRIPTIONS_KEPT);
  const messagesOf = (ticketId: string): Promise<TicketMessages> => {
    const kept = messageCache.get(ticketId);
    if (kept) return kept;
    const reading = ticketMessages(api, ticketId);
    // A failed read is not remembered: the next caller asks again.
    reading.catch(() => { if (messageCache.get(ticketId) === reading) messageCache.delete(ticketId); });
    return messageCache.set(ticketId, reading);
  };
  const description = async (ticketId: string): Promise<string> => {
    const known = descriptions.get(ticketId);
    if (known !== undefined) return known;
    return descriptions.set(ticketId, descriptionOf(await messagesOf(ticketId)));
  };
  const toTicket = async (rt: RtTicket) => ticketFromRt(rt, await description(rt.id), ctx);
  const load = async (id: string) => toTicket(await api.ticket(id));

  // Queues by id and name, read once, for tickets created without reading them back.
  let queues: Promise<Ref[]> | null = null;
  const queueRef = async (key: string): Promise<Ref | null> => {
    queues ??= api.queues().then((list) => list.map((q) => ({ id: q.id, name: q.Name })));
    try {
      return (await queues).find((q) => q.id === key || q.name === key) ?? null;
    } catch {
      queues = null;
      return null;
    }
  };

  const client: ConnectorClient = {
    async testConnection() {
      const user = await api.user(config.credentials.username);
      await api.searchTickets("id > 0", 1, 1);
      return { identity: user.RealName ? `${user.RealName} (${user.Name})` : user.Name };
    },

    // RT has one kind of ticket; queues, not types, divide them.
    syncedTicketTypes: () => ["ticket"],
    async discover() {
      const [queues, cfs, users] = await Promise.all([api.queues(), api.ticketCustomFields(), api.searchUsers([{ field: "id", operator: ">", value: 0 }])]);
      // Keyed by Name, as tickets carry them (`customFields[Name]`) and REST2 writes them.
      const customFields = await Promise.all(cfs.filter((cf) => cf.Name !== settings.partnerReferenceField).map(async (cf) => {
        if (cf.Type !== "Select") return { id: cf.Name, name: cf.Name, type: cf.Type === "Date" || cf.Type === "DateTime" ? "date" as const : "text" as const };
        const full = await api.customField(cf.id);
        return { id: cf.Name, name: cf.Name, type: "select" as const, options: full.Values ?? [] };
      }));
      return {
        queues: queues.map((q) => ({ id: q.id, name: q.Name })),
        statuses: statusesFor(settings).map((s) => ({ id: s.name, name: s.name, queueId: null, closed: s.closed })),
        priorities: settings.priorities.map((p) => priorityRef(p.value, settings.priorities)),
        ticketTypes: [{ id: "ticket", name: "Ticket" }],
        companies: [],
        noteTypes: NOTE_TYPES,
        customFields,
        // Owners must be privileged; RT_System and Nobody are internal users.
        members: users.items
          .filter((u) => u.Name !== "RT_System" && u.Name !== "Nobody" && (u.Privileged === undefined || u.Privileged === "" || Number(u.Privileged) === 1))
          .map((u) => ({ id: u.Name, name: u.RealName || u.Name })),
        workRoles: [],
        // RT has no ticket source or category: those defaults are refused when saved.
        sources: [],
        categories: [],
      };
    },

    async listChanged({ since, cursor, pageSize }) {
      const state: Cursor = cursor ? decodeCursor(cursor) : { since, updated: null, id: null };
      const clauses = [`LastUpdated >= ${sqlDate(state.since)}`];
      if (queueClause) clauses.push(queueClause);
      // RT's `=` on a date means the whole day, so "same second, higher id" is written as >= plus id.
      if (state.updated && state.id) clauses.push(`(LastUpdated > ${sqlDate(state.updated)} OR (LastUpdated >= ${sqlDate(state.updated)} AND id > ${Number(state.id)}))`);
      const perPage = Math.min(Math.max(pageSize ?? requestTrackerFacts.paging.maxPageSize, 1), requestTrackerFacts.paging.maxPageSize);
      const page = await api.searchTickets(clauses.join(" AND "), 1, perPage);
      // One ticket at a time (its two reads go together): queued calls would run out their timeouts waiting.
      // A ticket whose description could not be read for a passing reason is named as unread (the
      // sync re-reads it by id) rather than failing the whole page and every ticket on it.
      const tickets = [];
      const unread: string[] = [];
      for (const item of page.items) {
        try {
          tickets.push(await toTicket(item));
        } catch (err) {
          if (!(err instanceof ConnectorError && (err.retryable || err.kind === "invalid_response"))) throw err;
          unread.push(String(item.id));
        }
      }
      const last = page.items.at(-1);
      return { tickets, unread, nextCursor: page.next_page && last ? encodeCursor({ since: state.since, updated: last.LastUpdated, id: last.id }) : null };
    },

    getTicket: (id) => load(id),

    async createTicket(_ticketType, fields) {
      noSourceOrCategory(fields);
      const body = ticketWriteToRt(fields, settings, true);
      body.Queue ??= settings.queues[0] ?? "General";
      const created = await api.createTicket(body);
      const text = typeof body.Content === "string" ? body.Content : "";
      descriptions.set(created.id, text);
      // The answer is only the id: where the write says everything RT kept, it is not read back.
      const draft = createdTicketFromWrite({ ...created, queue: { id: "", name: "" }, by: me }, body, fields, ctx);
      const queue = draft && (await queueRef(String(body.Queue)));
      if (draft && queue) return { ...draft, queue };
      return ticketFromRt(await api.ticket(created.id), text, ctx);
    },

    async updateTicket(id, _ticketType, changes) {
      noSourceOrCategory(changes);
      // The description is the ticket's first message: RT keeps no field to change it in.
      if (changes.description !== undefined) throw new ConnectorError("validation", "Request Tracker cannot change a ticket's description once created (it is the ticket's first message); map the description one way, from this side, or not at all.");
      const body = ticketWriteToRt(changes, settings, false);
      if (Object.keys(body).length === 0) return load(id);
      const messages = await api.updateTicket(id, body);
      // RT answers 200 even when a change was refused (Writable.pm: "Figure out how to return
      // success/failure?"); its messages say why, and only the ticket itself says what it kept.
      const after = await api.ticket(id);
      const partner = (body.CustomFields as Record<string, unknown> | undefined)?.[settings.partnerReferenceField];
      const refused = (body.Subject !== undefined && after.Subject !== body.Subject) || (body.Status !== undefined && after.Status !== body.Status)
        || (body.Priority !== undefined && after.Priority !== body.Priority) || (body.Owner !== undefined && after.Owner.id !== body.Owner && after.Owner.Name !== body.Owner)
        || (body.Queue !== undefined && after.Queue.id !== body.Queue && after.Queue.Name !== body.Queue)
        || (partner !== undefined && partnerReferenceOf(after, settings.partnerReferenceField) !== (partner === null || partner === "" ? null : String(partner)));
      if (refused) throw new ConnectorError("validation", messages.join("; ") || "RT did not apply the change");
      return toTicket(after);
    },

    async findByPartnerReference(_ticketType, reference) {
      const found = await api.searchTickets(`${sqlQuote(`CF.{${settings.partnerReferenceField}}`)} = ${sqlQuote(reference)}`, 1, 1);
      const first = found.items[0];
      return first ? toTicket(first) : null;
    },

    async listComments(ticketId) {
      const { history, texts } = await messagesOf(ticketId);
      return history.filter((t) => t.Type === "Correspond" || t.Type === "Comment").flatMap((txn) => {
        const text = texts.get(txn.id);
        // A time entry Lockstep copied here is a comment too: it is time, not a comment to carry
        // back (it would come home as an echo).
        if (text && txn.TimeTaken !== 0 && splitReference(text.Content).reference !== null) return [];
        return text && text.Content !== "" ? [commentFromRt(txn, text)] : [];
      });
    },

    async addComment(ticketId, _ticketType, comment) {
      const body = commentToRt(comment);
      const kind = commentKind(comment);
      const posted = await postMessage(api, ticketId, kind, body);
      messageCache.delete(ticketId);
      return commentFromPost({ ...posted, by: me }, kind, body);
    },

    async listAttachments(ticketId) {
      // The list holds every MIME part of every message; only parts with a file name are files.
      return (await ticketAttachments(api, ticketId)).filter((a) => a.Filename).map(attachmentFromRt);
    },

    async downloadAttachment(_ticketId, _ticketType, file) {
      const record = await attachment(api, file.id);
      const bytes = base64ToBytes(record.Content.replace(/\s+/g, ""));
      return { body: bytesStream(bytes), contentType: record.ContentType, size: bytes.byteLength };
    },

    async uploadAttachment(ticketId, _ticketType, file) {
      if (file.size > settings.maxAttachmentBytes) {
        await file.body.cancel();
        throw new ConnectorError("validation", `${file.fileName} is ${file.size} bytes; RT takes at most ${settings.maxAttachmentBytes}`);
      }
      const txnId = await uploadFile(api, ticketId, file);
      messageCache.delete(ticketId);
      // The file's id is its MIME part's, which only the transaction's parts name.
      const part = (await transactionParts(api, txnId)).find((p) => p.Filename === file.fileName.replace(/["\r\n\\]/g, "_"));
      if (!part) throw new ConnectorError("invalid_response", `RT recorded transaction ${txnId} without the file ${file.fileName}`);
      return attachmentFromRt(part);
    },

    async listTimeEntries(ticketId) {
      const { history, texts } = await messagesOf(ticketId);
      return history.filter((t) => t.TimeTaken !== 0).map((txn) => timeEntryFromRt(txn, texts.get(txn.id)?.Content ?? ""));
    },

    async addTimeEntry(ticketId, _ticketType, entry) {
      // RT records time as TimeTaken on a message; the member is always the API user and the start is RT's clock.
      const body: Record<string, unknown> = { TimeTaken: entry.minutes, Subject: "Time entry" };
      const content = withReference(entry.notes, entry.reference ?? null);
      if (content) Object.assign(body, { Content: content, ContentType: "text/plain" });
      const posted = await postMessage(api, ticketId, "comment", body);
      messageCache.delete(ticketId);
      return { id: posted.id, start: posted.at, minutes: entry.minutes, member: { id: me, name: me, email: null }, workRole: null, notes: entry.notes, reference: entry.reference ?? null, extra: { Type: "Comment" } };
    },

    async findContactByEmail(email) {
      const found = await api.searchUsers([{ field: "EmailAddress", value: email }]);
      const user = found.items.find((u) => (u.EmailAddress ?? "").toLowerCase() === email.toLowerCase());
      return user ? { id: user.Name, name: user.RealName || null, email: user.EmailAddress } : null;
    },
  };
  return client;
}

export const requestTrackerConnector: Connector<Credentials, Settings> = {
  facts: requestTrackerFacts,
  credentialsSchema,
  settingsSchema,
  webhook: requestTrackerWebhook,
  create: createClient,
};
