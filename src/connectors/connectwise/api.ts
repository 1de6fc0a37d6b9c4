// The ConnectWise PSA REST calls Lockstep makes, each parsed with a zod schema. Vendor shapes are
// kept loose (unknown keys survive) so that mapping can carry them into `extra`.
import { z } from "zod";
import { HttpClient, type FetchLike } from "../http-client";
import type { ConnectWiseCredentials, ConnectWiseSettings } from "./config";

const ref = z.looseObject({ id: z.number().int(), name: z.string().optional(), identifier: z.string().optional() });
export type CwRef = z.infer<typeof ref>;
const info = z.looseObject({ lastUpdated: z.string().optional(), updatedBy: z.string().optional(), dateEntered: z.string().optional(), enteredBy: z.string().optional() });

export const cwCustomFieldSchema = z.looseObject({
  id: z.number().int(),
  caption: z.string().optional(),
  type: z.string().optional(),
  entryMethod: z.string().optional(),
  numberOfDecimals: z.number().int().optional(),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});
export type CwCustomField = z.infer<typeof cwCustomFieldSchema>;

export const cwTicketSchema = z.looseObject({
  id: z.number().int(),
  summary: z.string(),
  board: ref.optional(),
  status: ref.optional(),
  priority: ref.optional(),
  company: ref.optional(),
  contact: ref.optional(),
  contactName: z.string().optional(),
  contactEmailAddress: z.string().optional(),
  owner: ref.optional(),
  externalXRef: z.string().optional(),
  initialDescription: z.string().optional(),
  closedFlag: z.boolean().optional(),
  customFields: z.array(cwCustomFieldSchema).optional(),
  _info: info.extend({ lastUpdated: z.string() }),
});
export type CwTicket = z.infer<typeof cwTicketSchema>;

export const cwNoteSchema = z.looseObject({
  id: z.number().int(),
  text: z.string(),
  detailDescriptionFlag: z.boolean().optional(),
  internalAnalysisFlag: z.boolean().optional(),
  resolutionFlag: z.boolean().optional(),
  member: ref.optional(),
  contact: ref.optional(),
  dateCreated: z.string().optional(),
  createdBy: z.string().optional(),
  _info: info.optional(),
});
export type CwNote = z.infer<typeof cwNoteSchema>;

export const cwDocumentSchema = z.looseObject({ id: z.number().int(), title: z.string().optional(), fileName: z.string(), size: z.number().int().nonnegative().optional(), _info: info.optional() });
export type CwDocument = z.infer<typeof cwDocumentSchema>;

export const cwTimeEntrySchema = z.looseObject({
  id: z.number().int(),
  chargeToId: z.number().int().optional(),
  chargeToType: z.string().optional(),
  member: ref.optional(),
  workRole: ref.optional(),
  timeStart: z.string(),
  timeEnd: z.string().optional(),
  actualHours: z.number().optional(),
  notes: z.string().optional(),
  internalNotes: z.string().optional(),
  _info: info.optional(),
});
export type CwTimeEntry = z.infer<typeof cwTimeEntrySchema>;

export const cwBoardSchema = z.looseObject({ id: z.number().int(), name: z.string(), inactiveFlag: z.boolean().optional() });
export const cwStatusSchema = z.looseObject({ id: z.number().int(), name: z.string(), closedStatus: z.boolean().optional(), inactive: z.boolean().optional() });
export const cwNamedSchema = z.looseObject({ id: z.number().int(), name: z.string() });
export const cwCompanySchema = z.looseObject({ id: z.number().int(), identifier: z.string(), name: z.string() });
export const cwMemberSchema = z.looseObject({ id: z.number().int(), identifier: z.string(), firstName: z.string().optional(), lastName: z.string().optional(), inactiveFlag: z.boolean().optional() });
export const cwContactSchema = z.looseObject({
  id: z.number().int(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  communicationItems: z.array(z.looseObject({ value: z.string().optional(), communicationType: z.string().optional(), defaultFlag: z.boolean().optional() })).optional(),
});
export type CwContact = z.infer<typeof cwContactSchema>;
export const cwSystemInfoSchema = z.looseObject({ version: z.string(), isCloud: z.boolean().optional() });

/** A JSON-Patch operation as ConnectWise takes it on PATCH. */
export type CwPatchOperation = { op: "replace" | "add" | "remove"; path: string; value?: unknown };

/** A string inside `conditions`: double quotes, with `\` and `"` escaped. */
export const cwString = (value: string) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
/** A datetime inside `conditions`: `[2024-01-01T00:00:00Z]`, whole seconds, UTC. */
export const cwDate = (iso: string) => `[${new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z")}]`;

export function hasNextPage(response: Response): boolean {
  return /rel="?next"?/.test(response.headers.get("Link") ?? "");
}

function vendorMessage(_status: number, body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errors?: { message?: unknown }[] | null };
    if (typeof parsed.message !== "string") return null;
    const details = (parsed.errors ?? []).map((e) => e.message).filter((m): m is string => typeof m === "string");
    return details.length > 0 ? `${parsed.message}: ${details.join("; ")}` : parsed.message;
  } catch {
    return null;
  }
}

export class ConnectWiseApi {
  readonly http: HttpClient;
  constructor(fetch: FetchLike, baseUrl: string, credentials: ConnectWiseCredentials, private readonly settings: ConnectWiseSettings) {
    const basic = `Basic ${btoa(`${credentials.companyId}+${credentials.publicKey}:${credentials.privateKey}`)}`;
    this.http = new HttpClient({
      fetch,
      baseUrl,
      timeoutMs: settings.timeoutMs,
      vendorMessage,
      authorize: (headers) => {
        headers.set("Authorization", basic);
        headers.set("clientId", credentials.clientId);
        if (settings.apiVersion && headers.get("Accept") === "application/json") headers.set("Accept", `application/vnd.connectwise.com+json; version=${settings.apiVersion}`);
      },
    });
  }

  /** Every page of a list endpoint, following the Link header's rel="next" (navigable pagination). */
  async listAll<S extends z.ZodType>(path: string, schema: S, query: Record<string, string> = {}): Promise<z.output<S>[]> {
    const all: z.output<S>[] = [];
    for (let page = 1; ; page++) {
      const { data, response } = await this.http.json("GET", path, z.array(schema), { query: { ...query, page, pageSize: 1000 } });
      all.push(...data);
      if (!hasNextPage(response) || data.length === 0) return all;
    }
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST (System > Info: GET /system/info)
  systemInfo() {
    return this.http.json("GET", "/system/info", cwSystemInfoSchema).then((r) => r.data);
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Tickets/getServiceTickets
  listTickets(conditions: string, pageSize: number) {
    return this.http.json("GET", "/service/tickets", z.array(cwTicketSchema), { query: { conditions, orderBy: "lastUpdated asc, id asc", page: 1, pageSize } });
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Tickets/getServiceTicketsById
  getTicket(id: number) {
    return this.http.json("GET", `/service/tickets/${id}`, cwTicketSchema).then((r) => r.data);
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Tickets/postServiceTickets
  createTicket(body: Record<string, unknown>) {
    return this.http.json("POST", "/service/tickets", cwTicketSchema, { json: body }).then((r) => r.data);
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Tickets/patchServiceTicketsById
  patchTicket(id: number, operations: CwPatchOperation[]) {
    return this.http.json("PATCH", `/service/tickets/${id}`, cwTicketSchema, { json: operations }).then((r) => r.data);
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/ServiceNotes/getServiceTicketsByParentIdNotes
  listNotes(ticketId: number) {
    return this.listAll(`/service/tickets/${ticketId}/notes`, cwNoteSchema, { orderBy: "id asc" });
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/ServiceNotes/postServiceTicketsByParentIdNotes
  addNote(ticketId: number, body: Record<string, unknown>) {
    return this.http.json("POST", `/service/tickets/${ticketId}/notes`, cwNoteSchema, { json: body }).then((r) => r.data);
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Documents/getSystemDocuments
  listDocuments(ticketId: number) {
    return this.listAll("/system/documents", cwDocumentSchema, { recordType: "Ticket", recordId: String(ticketId) });
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Documents/getSystemDocumentsByIdDownload
  downloadDocument(id: number) {
    return this.http.send("GET", `/system/documents/${id}/download`, { headers: { Accept: "*/*" } });
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Documents/postSystemDocuments (multipart/form-data only)
  uploadDocument(body: ReadableStream<Uint8Array>, contentType: string) {
    return this.http.json("POST", "/system/documents", cwDocumentSchema, { body, headers: { "Content-Type": contentType } }).then((r) => r.data);
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/TimeEntries/getTimeEntries
  listTimeEntries(ticketId: number) {
    return this.listAll("/time/entries", cwTimeEntrySchema, { conditions: `chargeToId=${ticketId} and chargeToType="ServiceTicket"`, orderBy: "timeStart asc, id asc" });
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/TimeEntries/postTimeEntries
  addTimeEntry(body: Record<string, unknown>) {
    return this.http.json("POST", "/time/entries", cwTimeEntrySchema, { json: body }).then((r) => r.data);
  }

  // https://developer.connectwise.com/Products/ConnectWise_PSA/REST#/Contacts/getCompanyContacts
  findContactsByEmail(email: string) {
    const childConditions = `communicationItems/value=${cwString(email)} AND communicationItems/communicationType="Email"`;
    return this.http.json("GET", "/company/contacts", z.array(cwContactSchema), { query: { childConditions, pageSize: 2 } }).then((r) => r.data);
  }

  boardIds(): number[] {
    return this.settings.boardIds;
  }
}

/**
 * A multipart/form-data body that streams the file instead of buffering it (FormData would need
 * the whole file as a Blob). Text fields first, then the file part.
 */
export function buildMultipart(
  fields: Record<string, string>,
  file: { name: string; fileName: string; contentType: string; body: ReadableStream<Uint8Array> },
): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = `----LockstepBoundary${crypto.randomUUID().replace(/-/g, "")}`;
  // Quotes and line breaks would end the header early; they are replaced, not escaped.
  const safe = (v: string) => v.replace(/["\r\n]/g, "_");
  const encoder = new TextEncoder();
  const head = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${safe(k)}"\r\n\r\n${v}\r\n`).join("")
    + `--${boundary}\r\nContent-Disposition: form-data; name="${safe(file.name)}"; filename="${safe(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`;
  const reader = file.body.getReader();
  let stage: "head" | "file" | "done" = "head";
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === "head") { controller.enqueue(encoder.encode(head)); stage = "file"; return; }
      if (stage === "done") return;
      const { done, value } = await reader.read();
      if (!done) { controller.enqueue(value); return; }
      controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
      stage = "done";
      controller.close();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
