// The Request Tracker 5 connector: REST2 calls (api*.ts) plus mapping, behind the shared contract.
// Changed tickets are read by keyset on (LastUpdated, id) rather than by page number, so tickets
// that change during a run cannot shift a page and be skipped.
import { z } from "zod";
import { bytesToBase64, base64ToBytes } from "../../lib/encoding";
import type { Connector, ConnectorClient, ConnectorContext } from "../contract";
import { ConnectorError } from "../errors";
import { RtApi, cursorSchema, sqlDate, sqlQuote } from "./api";
import { attachment, description, history, messageText, postMessage, ticketAttachments, transaction, transactionParts, uploadFile } from "./api-messages";
import type { RtAttachmentItem, RtTicket } from "./api-schemas";
import { credentialsSchema, settingsSchema, type Credentials, type Settings } from "./config";
import { requestTrackerFacts } from "./facts";
import { requestTrackerWebhook } from "./webhook";
import { NOTE_TYPES, commentFromRt, commentKind, commentToRt, priorityRef, statusesFor, ticketFromRt, ticketWriteToRt, timeEntryFromRt, type MappingContext } from "./mapping";

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

function createClient({ fetch, config }: ConnectorContext<Credentials, Settings>): ConnectorClient {
  const settings = settingsSchema.parse(config.settings);
  const api = new RtApi(fetch, config.baseUrl, config.credentials, settings);
  const ctx: MappingContext = { ...settings, baseUrl: config.baseUrl };
  const queueClause = settings.queues.length ? `(${settings.queues.map((q) => `Queue = ${sqlQuote(q)}`).join(" OR ")})` : null;
  const toTicket = async (rt: RtTicket) => ticketFromRt(rt, await description(api, rt.id), ctx);
  const load = async (id: string) => toTicket(await api.ticket(id));

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
      const customFields = await Promise.all(cfs.filter((cf) => cf.Name !== settings.partnerReferenceField).map(async (cf) => {
        if (cf.Type !== "Select") return { id: cf.id, name: cf.Name, type: cf.Type === "Date" || cf.Type === "DateTime" ? "date" as const : "text" as const };
        const full = await api.customField(cf.id);
        return { id: cf.id, name: cf.Name, type: "select" as const, options: full.Values ?? [] };
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
      };
    },

    async listChanged({ since, cursor, pageSize }) {
      const state: Cursor = cursor ? decodeCursor(cursor) : { since, updated: null, id: null };
      const clauses = [`LastUpdated >= ${sqlDate(state.since)}`];
      if (queueClause) clauses.push(queueClause);
      // RT's `=` on a date means the whole day, so "same second, higher id" is written as >= plus id.
      if (state.updated && state.id) clauses.push(`(LastUpdated > ${sqlDate(state.updated)} OR (LastUpdated >= ${sqlDate(state.updated)} AND id > ${Number(state.id)}))`);
      const perPage = Math.min(Math.max(pageSize ?? 50, 1), requestTrackerFacts.maxPageSize);
      const page = await api.searchTickets(clauses.join(" AND "), 1, perPage);
      const tickets = [];
      for (const item of page.items) tickets.push(await toTicket(item));
      const last = page.items.at(-1);
      return { tickets, nextCursor: page.next_page && last ? encodeCursor({ since: state.since, updated: last.LastUpdated, id: last.id }) : null };
    },

    getTicket: (id) => load(id),

    async createTicket(_ticketType, fields) {
      const body = ticketWriteToRt(fields, settings, true);
      body.Queue ??= settings.queues[0] ?? "General";
      return load(await api.createTicket(body));
    },

    async updateTicket(id, _ticketType, changes) {
      const body = ticketWriteToRt(changes, settings, false);
      if (Object.keys(body).length === 0) return load(id);
      const messages = await api.updateTicket(id, body);
      const after = await api.ticket(id);
      // RT answers 200 even when a change was refused; its messages say why.
      const refused = (body.Subject !== undefined && after.Subject !== body.Subject) || (body.Status !== undefined && after.Status !== body.Status)
        || (body.Priority !== undefined && after.Priority !== body.Priority) || (body.Owner !== undefined && after.Owner.id !== body.Owner && after.Owner.Name !== body.Owner)
        || (body.Queue !== undefined && after.Queue.id !== body.Queue && after.Queue.Name !== body.Queue);
      if (refused) throw new ConnectorError("validation", messages.join("; ") || "RT did not apply the change");
      return toTicket(after);
    },

    async findByPartnerReference(_ticketType, reference) {
      const found = await api.searchTickets(`${sqlQuote(`CF.{${settings.partnerReferenceField}}`)} = ${sqlQuote(reference)}`, 1, 1);
      const first = found.items[0];
      return first ? toTicket(first) : null;
    },

    async listComments(ticketId) {
      const txns = (await history(api, ticketId)).filter((t) => t.Type === "Correspond" || t.Type === "Comment");
      const comments = [];
      for (const txn of txns) {
        const text = await messageText(api, txn.id);
        if (text && text.Content !== "") comments.push(commentFromRt(txn, text));
      }
      return comments;
    },

    async addComment(ticketId, _ticketType, comment) {
      const body = commentToRt(comment);
      const txnId = await postMessage(api, ticketId, commentKind(comment), body);
      return commentFromRt(await transaction(api, txnId), body);
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
      const part = (await transactionParts(api, txnId)).find((p) => p.Filename === file.fileName.replace(/["\r\n\\]/g, "_"));
      if (!part) throw new ConnectorError("invalid_response", `RT recorded transaction ${txnId} without the file ${file.fileName}`);
      return attachmentFromRt(part);
    },

    async listTimeEntries(ticketId) {
      const txns = (await history(api, ticketId)).filter((t) => t.TimeTaken !== 0);
      const entries = [];
      for (const txn of txns) entries.push(timeEntryFromRt(txn, (await messageText(api, txn.id))?.Content ?? ""));
      return entries;
    },

    async addTimeEntry(ticketId, _ticketType, entry) {
      // RT records time as TimeTaken on a message; the member is always the API user and the start is RT's clock.
      const body: Record<string, unknown> = { TimeTaken: entry.minutes, Subject: "Time entry" };
      if (entry.notes) Object.assign(body, { Content: entry.notes, ContentType: "text/plain" });
      const txnId = await postMessage(api, ticketId, "comment", body);
      return timeEntryFromRt(await transaction(api, txnId), entry.notes);
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
