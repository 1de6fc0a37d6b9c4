// ConnectWise PSA (Manage) connector: the ConnectorClient over ConnectWiseApi and the mapping.
import type { Connector, ConnectorClient, ListChangedArgs } from "../contract";
import { ConnectorError } from "../errors";
import type { Picklists } from "../canonical";
import { buildMultipart, ConnectWiseApi, cwBoardSchema, cwCompanySchema, cwDate, cwMemberSchema, cwNamedSchema, cwStatusSchema, cwString, cwTicketSchema, hasNextPage } from "./api";
import { credentialsSchema, settingsSchema, type ConnectWiseCredentials, type ConnectWiseSettings } from "./config";
import { connectwiseFacts } from "./facts";
import { connectwiseWebhook } from "./webhook";
import { CATEGORY_FIELDS, commentToNote, contactToPerson, createBody, documentToAttachment, noteToComment, patchOperations, TICKET_TYPE, ticketToCanonical, timeEntryBody, timeEntryToCanonical } from "./mapping";

/** The cursor: the (lastUpdated, id) of the last ticket returned; opaque to callers. */
type Cursor = { t: string; id: number };
const encodeCursor = (c: Cursor) => btoa(JSON.stringify(c));
function decodeCursor(text: string): Cursor {
  try {
    const parsed = JSON.parse(atob(text)) as Partial<Cursor>;
    if (typeof parsed.t === "string" && typeof parsed.id === "number") return { t: parsed.t, id: parsed.id };
  } catch { /* falls through */ }
  throw new ConnectorError("validation", "The sync cursor for ConnectWise is not one this connector issued.");
}

function ticketId(id: string): number {
  if (!/^\d+$/.test(id)) throw new ConnectorError("validation", `ConnectWise ticket ids are numbers; got "${id}".`);
  return Number(id);
}

function checkType(ticketType: string): void {
  if (ticketType !== TICKET_TYPE) throw new ConnectorError("validation", `ConnectWise has one ticket type, "${TICKET_TYPE}"; got "${ticketType}".`);
}

const CATEGORY_NAMES = { type: "Type", subType: "Subtype", item: "Item" } as const;
const CUSTOM_FIELD_TYPES: Record<string, Picklists["customFields"][number]["type"]> = { Number: "number", Currency: "number", Percent: "number", Checkbox: "boolean", Date: "date" };

export function createConnectWiseClient(api: ConnectWiseApi, credentials: ConnectWiseCredentials, settings: ConnectWiseSettings): ConnectorClient {
  const boardFilter = () => (settings.boardIds.length > 0 ? ` and board/id in (${settings.boardIds.join(",")})` : "");

  return {
    async testConnection() {
      const info = await api.systemInfo();
      // Proves the API member may read service tickets, not just log in.
      await api.listTickets(`id > 0${boardFilter()}`, 1);
      return { identity: `${credentials.companyId} (API key ${credentials.publicKey}) on ConnectWise PSA ${info.version}` };
    },

    syncedTicketTypes: () => [TICKET_TYPE],
    async discover() {
      const boards = (await api.listAll("/service/boards", cwBoardSchema)).filter((b) => !b.inactiveFlag);
      const perBoard = await Promise.all(boards.map(async (b) => ({
        board: b,
        statuses: await api.listAll(`/service/boards/${b.id}/statuses`, cwStatusSchema),
        type: await api.listAll(`/service/boards/${b.id}/types`, cwNamedSchema),
        subType: await api.listAll(`/service/boards/${b.id}/subtypes`, cwNamedSchema),
        item: await api.listAll(`/service/boards/${b.id}/items`, cwNamedSchema),
      })));
      const [priorities, companies, members, workRoles, sources, sample] = await Promise.all([
        api.listAll("/service/priorities", cwNamedSchema),
        api.listAll("/company/companies", cwCompanySchema),
        api.listAll("/system/members", cwMemberSchema),
        api.listAll("/time/workRoles", cwNamedSchema),
        api.listAll("/service/sources", cwNamedSchema),
        // ConnectWise lists every ticket custom field on each ticket, so one ticket shows them all.
        api.http.json("GET", "/service/tickets", cwTicketSchema.array(), { query: { pageSize: 1, orderBy: "id desc" } }).then((r) => r.data[0]),
      ]);
      // Types, subtypes and items are per board: each entry is named with its board.
      const entries = (key: (typeof CATEGORY_FIELDS)[number]) => perBoard.flatMap(({ board, ...lists }) => lists[key].map((t) => ({ id: String(t.id), name: `${board.name} / ${t.name}` })));
      const categorisation = CATEGORY_FIELDS.map((key) => ({ key, choices: entries(key) })).filter((c) => c.choices.length > 0);
      return {
        queues: boards.map((b) => ({ id: String(b.id), name: b.name })),
        statuses: perBoard.flatMap(({ board, statuses }) => statuses.filter((s) => !s.inactive).map((s) => ({ id: String(s.id), name: s.name, queueId: String(board.id), closed: s.closedStatus ?? false }))),
        priorities: priorities.map((p) => ({ id: String(p.id), name: p.name })),
        // One kind of ticket: boards, and the types within them, divide tickets.
        ticketTypes: [{ id: TICKET_TYPE, name: "Service ticket" }],
        companies: companies.map((c) => ({ id: String(c.id), name: c.name })),
        noteTypes: [...connectwiseFacts.noteTypes],
        customFields: [
          ...(sample?.customFields ?? []).map((f) => ({ id: String(f.id), name: f.caption ?? `Custom field ${f.id}`, type: f.entryMethod === "List" ? "select" as const : CUSTOM_FIELD_TYPES[f.type ?? ""] ?? "text" as const })),
          ...categorisation.map(({ key, choices }) => ({ id: key, name: CATEGORY_NAMES[key], type: "select" as const, options: choices.map((c) => c.id), choices })),
        ],
        members: members.filter((m) => !m.inactiveFlag).map((m) => ({ id: String(m.id), name: [m.firstName, m.lastName].filter(Boolean).join(" ") || m.identifier })),
        workRoles: workRoles.map((r) => ({ id: String(r.id), name: r.name })),
        sources: sources.map((source) => ({ id: String(source.id), name: source.name })),
        categories: entries("type"),
      };
    },

    async listChanged({ since, cursor, ticketType, pageSize }: ListChangedArgs) {
      checkType(ticketType);
      // Keyset paging on (lastUpdated, id): a ticket updated mid-scan moves behind the cursor
      // instead of shifting page numbers, so nothing is skipped or seen twice.
      const after = cursor ? decodeCursor(cursor) : null;
      const window = after
        ? `(lastUpdated > ${cwDate(after.t)} or (lastUpdated = ${cwDate(after.t)} and id > ${after.id}))`
        : `lastUpdated >= ${cwDate(since)}`;
      const { data, response } = await api.listTickets(window + boardFilter(), Math.min(pageSize ?? settings.pageSize, 1000));
      const last = data[data.length - 1];
      return { tickets: data.map(ticketToCanonical), nextCursor: last && hasNextPage(response) ? encodeCursor({ t: last._info.lastUpdated, id: last.id }) : null };
    },

    async getTicket(id, ticketType) {
      checkType(ticketType);
      return ticketToCanonical(await api.getTicket(ticketId(id)));
    },

    async createTicket(ticketType, fields) {
      checkType(ticketType);
      return ticketToCanonical(await api.createTicket(createBody(fields)));
    },

    async updateTicket(id, ticketType, changes) {
      checkType(ticketType);
      const numericId = ticketId(id);
      // Custom fields are replaced as a whole array, so the current values are read first.
      const current = changes.customFields ? (await api.getTicket(numericId)).customFields : undefined;
      const operations = patchOperations(changes, current);
      if (operations.length === 0) return ticketToCanonical(await api.getTicket(numericId));
      return ticketToCanonical(await api.patchTicket(numericId, operations));
    },

    async findByPartnerReference(ticketType, reference) {
      checkType(ticketType);
      const { data } = await api.listTickets(`externalXRef = ${cwString(reference)}`, 2);
      return data[0] ? ticketToCanonical(data[0]) : null;
    },

    async listComments(id, ticketType) {
      checkType(ticketType);
      return (await api.listNotes(ticketId(id))).map(noteToComment);
    },

    async addComment(id, ticketType, comment) {
      checkType(ticketType);
      return noteToComment(await api.addNote(ticketId(id), commentToNote(comment)));
    },

    async listAttachments(id, ticketType) {
      checkType(ticketType);
      return (await api.listDocuments(ticketId(id))).map(documentToAttachment);
    },

    async downloadAttachment(_id, ticketType, attachment) {
      checkType(ticketType);
      const response = await api.downloadDocument(ticketId(attachment.id));
      if (!response.body) throw new ConnectorError("invalid_response", `ConnectWise sent document ${attachment.id} without a body.`);
      const length = response.headers.get("Content-Length");
      return { body: response.body, contentType: response.headers.get("Content-Type") ?? attachment.contentType, size: length ? Number(length) : attachment.size };
    },

    async uploadAttachment(id, ticketType, file) {
      checkType(ticketType);
      const { body, contentType } = buildMultipart({ recordType: "Ticket", recordId: String(ticketId(id)), title: file.fileName }, { name: "file", fileName: file.fileName, contentType: file.contentType, body: file.body });
      const attachment = documentToAttachment(await api.uploadDocument(body, contentType));
      // DocumentInfo has no content type; the uploader's is the truth.
      return { ...attachment, contentType: file.contentType };
    },

    async listTimeEntries(id, ticketType) {
      checkType(ticketType);
      return (await api.listTimeEntries(ticketId(id))).map(timeEntryToCanonical);
    },

    async addTimeEntry(id, ticketType, entry) {
      checkType(ticketType);
      return timeEntryToCanonical(await api.addTimeEntry(timeEntryBody(ticketId(id), entry)));
    },

    async findContactByEmail(email) {
      const [contact] = await api.findContactsByEmail(email);
      return contact ? contactToPerson(contact, email) : null;
    },
  };
}

export const connectwiseConnector: Connector<ConnectWiseCredentials, ConnectWiseSettings> = {
  facts: connectwiseFacts,
  credentialsSchema,
  settingsSchema,
  webhook: connectwiseWebhook,
  create({ fetch, config }) {
    const settings = settingsSchema.parse(config.settings);
    const credentials = credentialsSchema.parse(config.credentials);
    return createConnectWiseClient(new ConnectWiseApi(fetch, config.baseUrl, credentials, settings), credentials, settings);
  },
};
