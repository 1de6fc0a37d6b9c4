// The ServiceNow connector: Table API for tickets (one table per ticket type), sys_journal_field
// for comments and work notes, the Attachment API for files, task_time_worked for time.
import type { Attachment, Comment, Person, Picklists, Ticket, TimeEntry } from "../canonical";
import type { Connector, ConnectorClient, ConnectorContext, ListChangedArgs } from "../contract";
import { ConnectorError } from "../errors";
import { createApi } from "./api";
import { credentialsSchema, settingsSchema, type ServiceNowCredentials, type ServiceNowSettings } from "./config";
import { discoverPicklists } from "./api-picklists";
import { checkJournalAccess } from "./journal-access";
import { servicenowFacts } from "./facts";
import { servicenowWebhook } from "./webhook";
import {
  attachmentFromRecord,
  isoToSnTime,
  journalToComment,
  journalValue,
  NOTE_TYPES,
  recordToTicket,
  recordToTimeEntry,
  ticketWriteToPayload,
  timeEntryWriteToPayload,
  writtenComment,
} from "./mapping";

const DEFAULT_PAGE_SIZE = 200;
const ORDER = "^ORDERBYsys_updated_on^ORDERBYsys_id";

/** Where the last page ended: the (sys_updated_on, sys_id) of its last ticket. */
type Cursor = { u: string; i: string };

function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify(cursor)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(value: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(atob(value.replace(/-/g, "+").replace(/_/g, "/")));
    if (parsed && typeof parsed === "object" && "u" in parsed && "i" in parsed && typeof parsed.u === "string" && typeof parsed.i === "string") {
      return { u: literal(parsed.u), i: literal(parsed.i) };
    }
  } catch {
    // fall through
  }
  throw new ConnectorError("validation", "The ServiceNow paging cursor is not one this connector issued");
}

/**
 * A value placed in an encoded query. `^` separates conditions and has no documented escape, so a
 * value containing it (or a line break) is refused rather than silently turned into a new condition.
 */
function literal(value: string): string {
  if (/[\^\r\n]/.test(value)) throw new ConnectorError("validation", `"${value}" cannot be searched in ServiceNow (contains ^ or a line break)`);
  return value;
}

function table(ticketType: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(ticketType)) throw new ConnectorError("validation", `"${ticketType}" is not a ServiceNow table name`);
  return ticketType;
}

function create(context: ConnectorContext<ServiceNowCredentials, ServiceNowSettings>): ConnectorClient {
  const settings = context.config.settings;
  const api = createApi(context);
  const toTicket = (ticketType: string, record: Parameters<typeof recordToTicket>[1]): Ticket =>
    recordToTicket(ticketType, record, settings.closedStates[ticketType] ?? []);

  return {
    async testConnection() {
      // javascript:gs.getUserID() is evaluated by the instance: it names the user the credentials act as.
      const me = await api.listPlain("sys_user", { query: "sys_id=javascript:gs.getUserID()", limit: 1, fields: ["sys_id", "user_name", "name"] });
      const user = me.records[0];
      if (!user) throw new ConnectorError("auth", "ServiceNow accepted the credentials but reports no user for them");
      await api.listTickets(table(settings.ticketTypes[0] ?? "incident"), { query: "", limit: 1, fields: ["sys_id"] });
      const identity = user.name ? `${user.name} (${user.user_name})` : (user.user_name ?? user.sys_id ?? "");
      const journal = await checkJournalAccess(api, literal(user.sys_id ?? ""), user.user_name || identity, settings.ticketTypes.map(table));
      return { identity, checks: [journal] };
    },

    syncedTicketTypes: () => [...settings.ticketTypes],
    discover(): Promise<Picklists> {
      return discoverPicklists(api, settings);
    },

    async listChanged({ since, cursor, ticketType, pageSize }: ListChangedArgs) {
      const limit = Math.min(Math.max(1, pageSize ?? DEFAULT_PAGE_SIZE), servicenowFacts.paging.maxPageSize);
      // Keyset paging: after (u, i) means updated later than u, or at u with a greater sys_id. Offsets
      // would skip or repeat tickets whenever one is updated between two pages.
      const after = cursor ? decodeCursor(cursor) : null;
      const query = after
        ? `sys_updated_on>=${after.u}^sys_updated_on>${after.u}^ORsys_id>${after.i}${ORDER}`
        : `sys_updated_on>=${isoToSnTime(since)}${ORDER}`;
      const records = await api.listTickets(table(ticketType), { query, limit });
      const last = records.at(-1);
      const tickets = records.map((record) => toTicket(ticketType, record));
      return {
        tickets,
        nextCursor: records.length === limit && last ? encodeCursor({ u: last.sys_updated_on?.value ?? "", i: last.sys_id?.value ?? "" }) : null,
      };
    },

    async getTicket(id, ticketType) {
      return toTicket(ticketType, await api.getTicket(table(ticketType), id));
    },

    async createTicket(ticketType, fields) {
      return toTicket(ticketType, await api.createRecord(table(ticketType), ticketWriteToPayload(ticketType, fields, settings)));
    },

    async updateTicket(id, ticketType, changes) {
      const body = ticketWriteToPayload(ticketType, changes, settings);
      if (Object.keys(body).length === 0) return toTicket(ticketType, await api.getTicket(table(ticketType), id));
      return toTicket(ticketType, await api.patchRecord(table(ticketType), id, body));
    },

    async findByPartnerReference(ticketType, reference) {
      const [record] = await api.listTickets(table(ticketType), { query: `correlation_id=${literal(reference)}^ORDERBYsys_created_on`, limit: 1 });
      return record ? toTicket(ticketType, record) : null;
    },

    async listComments(ticketId) {
      const query = `element_id=${literal(ticketId)}^elementINcomments,work_notes^ORDERBYsys_created_on`;
      return (await api.listAllPlain("sys_journal_field", query)).map(journalToComment);
    },

    async addComment(ticketId, ticketType, comment): Promise<Comment> {
      const kind = comment.kind ?? (comment.public ? "comments" : "work_notes");
      if (!NOTE_TYPES.some((type) => type.id === kind)) throw new ConnectorError("validation", `"${kind}" is not a ServiceNow journal field (comments or work_notes)`);
      // Journal fields append on write: the PATCH adds the entry, and its answer is the ticket.
      const ticket = await api.patchRecord(table(ticketType), ticketId, { [kind]: journalValue(comment.body, comment.format) });
      return writtenComment(ticket, kind, comment);
    },

    async listAttachments(ticketId, ticketType) {
      return (await api.listAttachments(table(ticketType), literal(ticketId))).map(attachmentFromRecord);
    },

    async downloadAttachment(_ticketId, _ticketType, attachment: Attachment) {
      const response = await api.downloadAttachment(attachment.id);
      if (!response.body) throw new ConnectorError("invalid_response", `ServiceNow sent no content for attachment ${attachment.fileName}`);
      const length = response.headers.get("Content-Length");
      return {
        body: response.body,
        contentType: response.headers.get("Content-Type") ?? attachment.contentType,
        size: length && /^\d+$/.test(length) ? Number(length) : attachment.size,
      };
    },

    async uploadAttachment(ticketId, ticketType, file) {
      const max = servicenowFacts.maxAttachmentBytes;
      if (max !== null && file.size > max) throw new ConnectorError("validation", `${file.fileName} is larger than ServiceNow's attachment limit`);
      return attachmentFromRecord(await api.uploadAttachment(table(ticketType), ticketId, file));
    },

    async listTimeEntries(ticketId): Promise<TimeEntry[]> {
      const records = await api.listTickets("task_time_worked", { query: `task=${literal(ticketId)}^ORDERBYsys_created_on`, limit: 1000 });
      return records.map(recordToTimeEntry);
    },

    // task_time_worked has no start field: the entry's time is its creation time on the instance.
    async addTimeEntry(ticketId, _ticketType, entry) {
      return recordToTimeEntry(await api.createRecord("task_time_worked", timeEntryWriteToPayload(ticketId, entry)));
    },

    async findContactByEmail(email): Promise<Person | null> {
      const { records } = await api.listPlain("sys_user", { query: `email=${literal(email)}`, limit: 1, fields: ["sys_id", "name", "email"] });
      const user = records[0];
      return user ? { id: user.sys_id ?? null, name: user.name || null, email: user.email || null } : null;
    },
  };
}

export const servicenowConnector: Connector<ServiceNowCredentials, ServiceNowSettings> = {
  facts: servicenowFacts,
  credentialsSchema,
  settingsSchema,
  webhook: servicenowWebhook,
  create,
};
